package io.casetrail.events.cases;

/** The part of the identity platform a case is about. */
public enum ProductArea {
    SSO, UNIVERSAL_DIRECTORY, LIFECYCLE_MANAGEMENT, MFA, OTHER
}
