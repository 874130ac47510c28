package io.casetrail.access.command;

import java.time.Duration;

/**
 * The configurable durations of support access ({@code casetrail.access.*}): a grant lasts 8 hours, an extension
 * adds 24 hours to what is left, an impersonation session lasts at most 1 hour (never beyond its grant).
 */
public record AccessRules(Duration grantLength, Duration extension, Duration maxSessionLength) {

    public static AccessRules defaults() {
        return new AccessRules(Duration.ofHours(8), Duration.ofHours(24), Duration.ofHours(1));
    }
}
