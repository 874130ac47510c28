package io.casetrail.platform.cases;

import java.util.Optional;

import io.casetrail.platform.cases.KnownCases.KnownCase;

/** What a command needs to know about a case, kept from case-service's events ({@link KnownCases}). */
@FunctionalInterface
public interface CaseLookup {

    Optional<KnownCase> find(String caseNumber);

    /**
     * The case, held as it is until the command's transaction ends: a closure or reassignment recorded meanwhile
     * waits for the command, and so finds what it did ({@link KnownCases#findLocked}).
     */
    default Optional<KnownCase> findLocked(String caseNumber) {
        return find(caseNumber);
    }

    /**
     * Whether the admin opened the case or is one of its contacts (who may consent on it); a lookup that does not
     * know contacts knows none.
     */
    default boolean isOpenerOrContact(String caseNumber, String adminId) {
        return false;
    }
}
