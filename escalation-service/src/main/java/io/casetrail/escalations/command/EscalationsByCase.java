package io.casetrail.escalations.command;

import java.util.List;
import java.util.Optional;

/**
 * The escalations raised on each case, as the command side keeps them: written by the raise in its own transaction,
 * with the case's status it was raised on, so a case's closure finds every escalation raised before it, however far
 * behind the projections are, and none raised after a reopen.
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
     * customer's intermediary on the case, unless this escalation's manager came later (as the escalations' view
     * shows them, moments behind the commands).
     */
    Optional<String> intermediaryBesides(String caseNumber, String escalationId);
}
