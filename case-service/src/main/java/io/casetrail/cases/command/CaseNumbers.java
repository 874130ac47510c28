package io.casetrail.cases.command;

/** Hands out new, unique, human-readable case numbers ({@code 00123456}). */
public interface CaseNumbers {

    String next();
}
