package io.casetrail.access.command;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What the support access rules need to know about a case: its org, assignee and whether it is open. */
public interface CaseDirectory {

    Optional<KnownCase> find(String caseNumber);
}
