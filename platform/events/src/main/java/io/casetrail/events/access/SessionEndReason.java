package io.casetrail.events.access;

/** Why an impersonation session ended. */
public enum SessionEndReason {
    /** The engineer stopped it. */
    STOPPED,
    /** Its grant was revoked. */
    GRANT_REVOKED,
    /** Its grant expired. */
    GRANT_EXPIRED,
    /** It reached the maximum session length. */
    MAX_LENGTH,
    /** Its case closed: support looks into an org only while it holds an open case there. */
    CASE_CLOSED,
    /** Its case was assigned to another engineer, who holds it from then on. */
    CASE_REASSIGNED
}
