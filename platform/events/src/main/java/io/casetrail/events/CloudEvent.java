package io.casetrail.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as it travels between services: the CloudEvents attributes of the envelope and the JSON
 * payload. Producers and consumers convert it to and from Kafka headers (binary mode).
 *
 * @param id            the event's id in the producing service's event store; consumers deduplicate by it
 * @param source        {@code /casetrail/<service>}
 * @param type          {@code io.casetrail.<context>.<event>.v<N>}
 * @param time          when the event happened
 * @param subject       the aggregate id (also the Kafka record key)
 * @param orgId         the org the event concerns
 * @param caseId        the support case, where there is one
 * @param actor         id of the principal that caused it
 * @param sequence      the aggregate sequence number
 * @param correlationId the id of the request or message that caused it
 * @param data          the payload as UTF-8 JSON
 */
public record CloudEvent(String id, String source, String type, Instant time, String subject, String orgId,
                         String caseId, String actor, Long sequence, String correlationId, byte[] data) {

    /**
     * The longest id a consumer takes (Casetrail's are UUIDs): what every consumer keeps to drop repeats holds it.
     * An id no consumer could keep would stop it at that record for good.
     */
    public static final int MAX_ID = 255;

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    /**
     * Whether consumers take an event of this id: 1 to {@value #MAX_ID} characters, no NUL (which PostgreSQL's text
     * refuses).
     */
    public static boolean isTakenId(String id) {
        return id != null && !id.isEmpty() && id.length() <= MAX_ID && id.indexOf('\u0000') < 0;
    }
}
