package io.casetrail.platform.idempotency;

/**
 * An answer that holds something shown once and never stored (a new credential's secret). The idempotency layer
 * stores, and a retry with the same key gets, {@link #repeated()} instead: the same answer without it, so that a
 * retry creates nothing twice and the client learns what the first request created.
 */
public interface Unrepeatable {

    /** This answer as a retry gets it. */
    Object repeated();
}
