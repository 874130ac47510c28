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
    MAX_LENGTH
}
