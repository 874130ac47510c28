package io.casetrail.cases.command;

import java.time.Duration;
import java.time.Instant;

/**
 * A closed case may be reopened within 21 days of its closure, the 21st day included (up to and including the
 * instant 21 × 24 hours after closure). Later, a reopen request opens a follow-up case instead.
 */
public final class ReopenWindow {

    public static final Duration LENGTH = Duration.ofDays(21);

    private ReopenWindow() {
    }

    public static boolean allowsReopening(Instant closedAt, Instant now) {
        return !now.isAfter(closedAt.plus(LENGTH));
    }
}
