package io.casetrail.escalations.command;

/**
 * Where an escalation stands; the first five are the columns of the Engineering board, the last three how it
 * ended.
 */
public enum EscalationStatus {
    AWAITING_APPROVAL,
    APPROVED,
    ACCEPTED,
    WAITING_FOR_SUPPORT,
    RESOLVED,
    CLOSED,
    REJECTED,
    WITHDRAWN;

    /** Whether the escalation still counts on its case (it is escalated, and its manager is the intermediary). */
    public boolean isActive() {
        return this != CLOSED && this != REJECTED && this != WITHDRAWN;
    }
}
