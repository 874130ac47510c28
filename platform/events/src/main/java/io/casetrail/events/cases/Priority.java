package io.casetrail.events.cases;

/** Case priority, P1 (critical) to P4 (low). */
public enum Priority {
    P1, P2, P3, P4;

    /** Queue order: P1 first. */
    public int queueRank() {
        return ordinal();
    }
}
