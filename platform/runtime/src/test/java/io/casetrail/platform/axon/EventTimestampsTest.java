package io.casetrail.platform.axon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.axonframework.common.DateTimeUtils;
import org.junit.jupiter.api.Test;

/** The fast reading of stored event timestamps gives what Axon's own parser gives, value or error. */
class EventTimestampsTest {

    @Test
    void storedTimestampsReadAsAxonReadsThem() {
        // the form itself is read by UtcInstants (UtcInstantsTest); here, Axon's stored text of a few instants
        for (String at : List.of("1970-01-01T00:00:00Z", "2026-11-29T05:30:00.123456789Z", "2024-02-29T23:59:59.999Z",
                "2199-12-31T23:59:59.000001Z", "2026-11-30T14:32:23.5Z")) {
            Instant instant = Instant.parse(at);
            String stored = DateTimeUtils.formatInstant(instant); // what Axon writes: milliseconds
            assertThat(EventTimestamps.parse(stored)).as(stored).isEqualTo(DateTimeUtils.parseInstant(stored))
                    .isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
            assertThat(EventTimestamps.parse(at)).as(at).isEqualTo(DateTimeUtils.parseInstant(at)).isEqualTo(instant);
        }
    }

    @Test
    void otherFormsGoToAxonsParser() {
        for (String text : List.of("2026-11-29T05:30:00Z", "2026-11-29T05:30:00.5Z", "2026-11-29T06:30:00+01:00",
                "2026-11-29T05:30:00.123456789Z", "2024-02-29T23:59:59.999Z", "0001-01-01T00:00:00.000Z", "2026-11-29T05:30:00.Z")) {
            assertThat(EventTimestamps.parse(text)).as(text).isEqualTo(DateTimeUtils.parseInstant(text));
        }
    }

    @Test
    void malformedTimestampsAreRefusedAsAxonRefusesThem() {
        for (String text : List.of("2026-02-30T00:00:00.000Z", "2026-11-29T24:00:00.000Z", "2026-13-01T00:00:00Z",
                "2026-11-29T05:60:00.000Z", "2026-11-29 05:30:00.000Z", "garbage",
                "2026-11-29T05:30:0x.000Z", "2026-11-29T05:30:00.1234567890Z")) {
            assertThatThrownBy(() -> DateTimeUtils.parseInstant(text)).as(text)
                    .isInstanceOf(DateTimeParseException.class);
            assertThatThrownBy(() -> EventTimestamps.parse(text)).as(text)
                    .isInstanceOf(DateTimeParseException.class);
        }
    }
}
