package io.casetrail.platform.cases;

import java.util.Optional;

/**
 * Who speaks to the customer for a case other than the people working it: the escalation manager of an active
 * escalation (DOMAIN.md: while one is active the EM, not the TSE, is the customer's intermediary). Known from
 * escalation-service's events, so it follows them within moments.
 */
public interface Intermediaries {

    /** The id of the escalation manager assigned to an active escalation of the case (the latest assigned). */
    Optional<String> escalationManagerOf(String caseNumber);
}
