package io.casetrail.escalations.command;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What the escalation rules need to know about cases (kept from case-service's events). */
public interface CaseFacts {

    Optional<KnownCase> find(String caseNumber);

    /**
     * The case, held as it is until the command's transaction ends: its closure, recorded meanwhile, waits for the
     * command, and so finds what the command did ({@link io.casetrail.platform.cases.KnownCases#findLocked}).
     */
    default Optional<KnownCase> findLocked(String caseNumber) {
        return find(caseNumber);
    }
}
