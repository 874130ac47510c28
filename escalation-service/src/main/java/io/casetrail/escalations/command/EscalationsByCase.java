package io.casetrail.escalations.command;

import java.util.List;
import java.util.Optional;

/**
 * The escalations raised on each case, as the command side keeps them: written by the raise in its own transaction,
 * with the case's status it was raised on, so a case's closure finds every escalation raised before it, however far
 * behind the projections are, and none raised after a reopen; and each escalation's manager, written by its
 * assignment, so the case's intermediary is known as the commands left it.
 */
public interface EscalationsByCase {

    /**
     * @param caseStatusSequence the case's sequence number of the event that gave it the status the escalation was
     *                           raised on (null when not known)
     */
    void add(String caseNumber, String escalationId, Long caseStatusSequence);

    /** The case's escalations, whatever their status, raised on a status older than the event {@code sequence}. */
    List<String> raisedBefore(String caseNumber, long sequence);

    /**
     * The latest assigned escalation manager of the case's other active escalations, if one has a manager: the
     * customer's intermediary on the case, unless this escalation's manager came later. Holds the case's escalations
     * until the transaction ends, so a manager taken meanwhile by another transaction is seen, not raced.
     */
    Optional<String> intermediaryBesides(String caseNumber, String escalationId);

    /**
     * Records, in the caller's transaction, that {@code managerId} manages the escalation from now on, and answers
     * the assignment's place among the case's (1, 2, ...: later than any committed before).
     */
    long managerAssigned(String caseNumber, String escalationId, String managerId);
}
