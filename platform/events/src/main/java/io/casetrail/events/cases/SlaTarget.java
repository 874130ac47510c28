package io.casetrail.events.cases;

/** The two service-level targets of a case. */
public enum SlaTarget {
    /** Time from opening (or reopening) to support's first public response. */
    FIRST_RESPONSE,
    /** Longest time between support's public updates while the case is support's to work. */
    UPDATE_INTERVAL
}
