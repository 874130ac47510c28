package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.CloudEventHeaders;

/** What a consumer takes from a record on a Casetrail topic, and what it passes over. */
class CloudEventRecordsTest {

    static ConsumerRecord<String, byte[]> record(String id) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("casetrail.log.v1", 0, 7L, "key",
                "{}".getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.ID, id.getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.TYPE, "io.casetrail.test.v1".getBytes(StandardCharsets.UTF_8));
        record.headers().add(CloudEventHeaders.SOURCE, "test".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /**
     * An id no consumer could keep to drop repeats (longer than its column, or with NUL, which PostgreSQL's text
     * refuses) would stop every consumer of the topic at that record for good: it is no Casetrail event, and is
     * passed over as one without a ce_id is.
     */
    @Test
    void anIdNoConsumerCouldKeepIsNoCloudEvent() {
        CloudEvent longest = CloudEventRecords.fromRecord(record("i".repeat(CloudEvent.MAX_ID)));
        assertThat(longest.id()).hasSize(255);
        for (String id : new String[] {"i".repeat(CloudEvent.MAX_ID + 1), "a\u0000b", ""}) {
            assertThatThrownBy(() -> CloudEventRecords.fromRecord(record(id)))
                    .isInstanceOf(CloudEvent.NotACloudEvent.class)
                    .hasMessageContaining("casetrail.log.v1-0@7 has a ce_id that is empty, longer than 255");
        }
        // any other character is stored as it came (the internal log keeps every record it can)
        assertThat(CloudEventRecords.fromRecord(record("a\tb\nc")).id()).isEqualTo("a\tb\nc");
    }

    /**
     * A time outside the years 1 to 9999 is none a database keeps: every consumer's transaction would fail on it and
     * hold up its partition for good. It is no Casetrail event, and is passed over.
     */
    @Test
    void aTimeNoStoreKeepsIsNoCloudEvent() {
        for (String time : new String[] {"-5000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "+1000000000-01-01T00:00:00Z"}) {
            ConsumerRecord<String, byte[]> record = record("x");
            record.headers().add(CloudEventHeaders.TIME, time.getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> CloudEventRecords.fromRecord(record))
                    .isInstanceOf(CloudEvent.NotACloudEvent.class)
                    .hasMessageContaining("has a ce_time outside the years 1 to 9999");
        }
        for (String time : new String[] {"0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"}) {
            ConsumerRecord<String, byte[]> record = record("x");
            record.headers().add(CloudEventHeaders.TIME, time.getBytes(StandardCharsets.UTF_8));
            assertThat(CloudEventRecords.fromRecord(record).time()).isEqualTo(Instant.parse(time));
        }
    }

    /** A header without a value is no attribute: a record whose ce_id has none is no CloudEvent. */
    @Test
    void aHeaderWithoutAValueIsNone() {
        ConsumerRecord<String, byte[]> record = record("x");
        record.headers().remove(CloudEventHeaders.ID);
        record.headers().add(CloudEventHeaders.ID, null);
        assertThatThrownBy(() -> CloudEventRecords.fromRecord(record))
                .isInstanceOf(CloudEvent.NotACloudEvent.class).hasMessageContaining("lacks ce_id");
    }
}
