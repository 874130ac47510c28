package io.casetrail.testing;

import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.producer.ProducerRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.platform.kafka.CloudEventRecords;

/**
 * Publishes published-language events to the test broker exactly as the producing service's relay would (same
 * envelope, same JSON), for testing a consumer on its own. Tests of the whole system run the real producers.
 */
public final class TestEvents {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private TestEvents() {
    }

    /** Publishes {@code payload} as event {@code sequence} of aggregate {@code subject}; returns its {@code ce_id}. */
    public static String publish(String topic, String service, String subject, long sequence, DomainEvent payload) {
        return publish(topic, service, subject, sequence, payload, Instant.now(), UUID.randomUUID().toString());
    }

    /** The same, with the event's time and id given (a given id published twice is a redelivery). */
    public static String publish(String topic, String service, String subject, long sequence, DomainEvent payload,
                                 Instant time, String id) {
        TopicReader.send(record(topic, service, subject, sequence, payload, time, id));
        return id;
    }

    /** The record {@link #publish} sends, to send it with others ({@link TopicReader#sendTogether}). */
    public static ProducerRecord<String, byte[]> record(String topic, String service, String subject, long sequence,
                                                        DomainEvent payload, Instant time, String id) {
        try {
            return CloudEventRecords.toRecord(topic, new CloudEvent(id, "/casetrail/" + service,
                    EventCatalog.typeOf(payload.getClass()), time, subject, payload.orgId(),
                    payload.caseNumber(), payload.actor() == null ? null : payload.actor().id(), sequence,
                    UUID.randomUUID().toString(), JSON.writeValueAsBytes(payload)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
