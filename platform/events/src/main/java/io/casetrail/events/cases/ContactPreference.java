package io.casetrail.events.cases;

/** How the customer wants to be contacted about a case. */
public enum ContactPreference {
    EMAIL, PHONE
}
