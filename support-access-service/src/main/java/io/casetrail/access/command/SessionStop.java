package io.casetrail.access.command;

import io.casetrail.events.access.SessionEndReason;

/**
 * How a stopped session ended: {@code STOPPED}, or the end it had reached before the stop came (its grant's
 * expiry, its maximum length), which is what was recorded.
 */
public record SessionStop(String caseNumber, SessionEndReason endReason) {
}
