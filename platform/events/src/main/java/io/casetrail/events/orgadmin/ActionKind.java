package io.casetrail.events.orgadmin;

/** The administrative actions support may take in a customer's org, each only with consent. */
public enum ActionKind {
    /** A password reset link e-mailed to the user. */
    RESET_PASSWORD,
    /** A generated temporary password e-mailed to the user's primary and secondary address. */
    TEMPORARY_PASSWORD,
    /** Every enrolled MFA factor of the user removed. */
    RESET_MFA,
    /** A feature flag of the org enabled or disabled. */
    FEATURE_FLAG
}
