package io.casetrail.platform.cases;

import java.util.Optional;
import java.util.function.Supplier;

import io.casetrail.events.Actor;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * Who speaks to the customer for a case other than the people working it: the escalation manager of an active
 * escalation (DOMAIN.md: while one is active the EM, not the TSE, is the customer's intermediary). Known from
 * escalation-service's events, so it follows them within moments.
 */
public interface Intermediaries {

    /** The id of the escalation manager assigned to an active escalation of the case (the latest assigned). */
    Optional<String> escalationManagerOf(String caseNumber);

    /**
     * SQL ordering a case's escalation rows {@code alias} (columns {@code case_assignment}, {@code manager_since},
     * {@code escalation_id}) latest assignment first: by the assignment's place among the case's
     * ({@code EscalationManagerAssigned.caseAssignment}, none before any), then its event's time, then the id.
     */
    static String latestAssignedFirst(String alias) {
        return "COALESCE(%1$s.case_assignment, 0) DESC, %1$s.manager_since DESC, %1$s.escalation_id DESC"
                .formatted(alias);
    }

    /** SQL: row {@code later} was assigned after row {@code earlier}, in the order of {@link #latestAssignedFirst}. */
    static String assignedAfter(String later, String earlier) {
        return ("(COALESCE(%1$s.case_assignment, 0) > COALESCE(%2$s.case_assignment, 0)"
                + " OR COALESCE(%1$s.case_assignment, 0) = COALESCE(%2$s.case_assignment, 0)"
                + " AND (%1$s.manager_since > %2$s.manager_since"
                + " OR %1$s.manager_since = %2$s.manager_since AND %1$s.escalation_id > %2$s.escalation_id))")
                .formatted(later, earlier);
    }

    /** Whether the caller is the case's escalation manager, its intermediary. */
    static boolean isIntermediary(Caller caller, Optional<String> escalationManager) {
        return escalationManager.isPresent() && caller.has(Roles.ESCALATION_MANAGER)
                && escalationManager.get().equals(caller.id());
    }

    /**
     * Who may speak with the customer on the case: its workers ({@code worker} refuses anyone else, 403); but while
     * an escalation manager is assigned to an active escalation of the case, that manager and nobody else (a worker
     * is told so, 409 {@code intermediary}).
     */
    static Actor requireCorrespondent(Caller caller, Optional<String> escalationManager, Supplier<Actor> worker,
                                      String what) {
        if (isIntermediary(caller, escalationManager)) {
            return caller.actingAs(Roles.ESCALATION_MANAGER);
        }
        Actor working = worker.get();
        if (escalationManager.isPresent()) {
            throw new RuleViolation("intermediary", "escalation manager " + escalationManager.get()
                    + " is the customer's intermediary while the escalation is active; only they may " + what);
        }
        return working;
    }
}
