package io.casetrail.events.access;

/** What a support access grant covers. */
public enum GrantScope {
    /** One support case. */
    CASE,
    /** The org's open cases (the identity platform's org-wide "Give access to Okta Support"). */
    ORG
}
