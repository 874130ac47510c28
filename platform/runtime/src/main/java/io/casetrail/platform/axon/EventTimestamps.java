package io.casetrail.platform.axon;

import java.time.Instant;

import org.axonframework.common.DateTimeUtils;

import io.casetrail.events.UtcInstants;

/**
 * Reads the timestamps Axon stores with each event ({@code 2026-11-29T05:30:00.123Z}: ISO-8601 in UTC, three to
 * nine digits of fraction) with {@link UtcInstants}, without a {@link java.time.format.DateTimeFormatter}. Any other
 * form (an offset, a malformed text) goes to Axon's own parser, which gives the same instant or the same error.
 */
final class EventTimestamps {

    private EventTimestamps() {
    }

    static Instant parse(String text) {
        Instant instant = UtcInstants.parseOrNull(text);
        return instant != null ? instant : DateTimeUtils.parseInstant(text);
    }
}
