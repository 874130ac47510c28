package io.casetrail.orgadmin.command;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What the org administration rules need to know about cases (from case-service's events). */
public interface CaseFacts {

    Optional<KnownCase> find(String caseNumber);

    /** Whether the admin opened the case or is one of its contacts. */
    boolean isOpenerOrContact(String caseNumber, String adminId);
}
