package io.casetrail.events.cases;

/**
 * Where a support case stands. {@code NEW} → {@code OPEN} ⇄ {@code PENDING_CUSTOMER} →
 * {@code RESOLVED_PENDING_CONFIRMATION} → {@code CLOSED}; see docs/events.md for the events that move it.
 */
public enum CaseStatus {
    /** Opened, not yet assigned. */
    NEW,
    /** Assigned and being worked by support. */
    OPEN,
    /** Support asked the customer for more information; SLA clocks are paused. */
    PENDING_CUSTOMER,
    /** Support proposed a solution; the customer confirms or rejects it. */
    RESOLVED_PENDING_CONFIRMATION,
    /** Done. May be reopened within 21 days of closure. */
    CLOSED;

    /** Queue order: cases that need support's action first. */
    public int queueRank() {
        return ordinal();
    }
}
