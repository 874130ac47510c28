package io.casetrail.escalations.command;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What the escalation rules need to know about cases (kept from case-service's events). */
public interface CaseFacts {

    Optional<KnownCase> find(String caseNumber);
}
