package io.casetrail.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.CloudEventHeaders;
import io.casetrail.platform.api.Page;

/** CloudEvents 1.0 Kafka binary mode: attributes as {@code ce_*} headers, the JSON payload as the value. */
public final class CloudEventRecords {

    private CloudEventRecords() {
    }

    /** The record for an event; the key is the event's subject (the aggregate id). */
    public static ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
        Headers headers = new RecordHeaders();
        put(headers, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        put(headers, CloudEventHeaders.ID, event.id());
        put(headers, CloudEventHeaders.SOURCE, event.source());
        put(headers, CloudEventHeaders.TYPE, event.type());
        put(headers, CloudEventHeaders.TIME, event.time() == null ? null : event.time().toString());
        put(headers, CloudEventHeaders.SUBJECT, event.subject());
        put(headers, CloudEventHeaders.ORG_ID, event.orgId());
        put(headers, CloudEventHeaders.CASE_ID, event.caseId());
        put(headers, CloudEventHeaders.ACTOR, event.actor());
        put(headers, CloudEventHeaders.SEQUENCE, event.sequence() == null ? null : event.sequence().toString());
        put(headers, CloudEventHeaders.CORRELATION_ID, event.correlationId());
        put(headers, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        return new ProducerRecord<>(topic, null, event.subject(), event.data(), headers);
    }

    /**
     * The event in a record, or a {@link NotACloudEvent} when required attributes are missing or an attribute is
     * not what it names (a {@code ce_id} must be one consumers take: {@link CloudEvent#isTakenId}).
     */
    public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
        Headers headers = record.headers();
        String id = get(headers, CloudEventHeaders.ID);
        String type = get(headers, CloudEventHeaders.TYPE);
        String source = get(headers, CloudEventHeaders.SOURCE);
        if (id == null || type == null || source == null || record.value() == null) {
            throw new NotACloudEvent(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " lacks ce_id, ce_type, ce_source or a value");
        }
        if (!CloudEvent.isTakenId(id)) {
            throw new NotACloudEvent(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has a ce_id that is empty, longer than " + CloudEvent.MAX_ID + " characters or with NUL");
        }
        String time = get(headers, CloudEventHeaders.TIME);
        String sequence = get(headers, CloudEventHeaders.SEQUENCE);
        Instant at;
        Long number;
        try {
            at = time == null ? null : Instant.parse(time);
            number = sequence == null ? null : Long.valueOf(sequence);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new NotACloudEvent(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has a ce_time or ce_sequence that is not one (" + e.getMessage() + ")");
        }
        if (at != null && !Page.storable(at)) {
            // a time no database keeps would fail every consumer's transaction, and hold up all behind it for good
            throw new NotACloudEvent(record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " has a ce_time outside the years 1 to 9999");
        }
        return new CloudEvent(id, source, type, at, get(headers, CloudEventHeaders.SUBJECT),
                get(headers, CloudEventHeaders.ORG_ID), get(headers, CloudEventHeaders.CASE_ID),
                get(headers, CloudEventHeaders.ACTOR), number, get(headers, CloudEventHeaders.CORRELATION_ID),
                record.value());
    }

    /** A record on a Casetrail topic that is not a CloudEvent in binary mode. */
    public static final class NotACloudEvent extends RuntimeException {
        NotACloudEvent(String message) {
            super(message);
        }
    }

    private static void put(Headers headers, String name, String value) {
        if (value != null) {
            headers.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        // a header without a value is none (a null value would otherwise stop the consumer at the record)
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
