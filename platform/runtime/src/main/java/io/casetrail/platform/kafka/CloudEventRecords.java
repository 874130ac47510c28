package io.casetrail.platform.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.CloudEventHeaders;

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
     * The event in a record, or a {@link CloudEvent.NotACloudEvent} when it is not one
     * ({@link CloudEvent#fromHeaders}).
     */
    public static CloudEvent fromRecord(ConsumerRecord<String, byte[]> record) {
        Headers headers = record.headers();
        return CloudEvent.fromHeaders(name -> get(headers, name), record.value(),
                record.topic() + "-" + record.partition() + "@" + record.offset());
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
