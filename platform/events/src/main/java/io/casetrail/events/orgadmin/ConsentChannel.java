package io.casetrail.events.orgadmin;

/** How consent was given. */
public enum ConsentChannel {
    /** Written, through the API, by the admin. */
    API,
    /** Verbal, on the phone, recorded by the engineer. */
    PHONE,
    /** Verbal, during a remote session, recorded by the engineer. */
    REMOTE_SESSION
}
