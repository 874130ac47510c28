package io.casetrail.events.cases;

/** Why a case was closed. */
public enum CloseReason {
    /** The customer confirmed the proposed resolution. */
    CONFIRMED,
    /** The customer left the proposed resolution unanswered for the auto-close period. */
    AUTO_CLOSED
}
