package io.casetrail.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.function.UnaryOperator;

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

    /**
     * The event a record carries in binary mode, read from its {@code ce_*} headers ({@code header}: a header's
     * value by name, null for none) and its value: what every consumer reads, and the audit replay with it.
     *
     * @param where names the record in the error (topic, partition and offset)
     * @throws NotACloudEvent when required attributes are missing, an attribute is not what it names (a
     *                        {@code ce_id} must be one consumers take: {@link #isTakenId}), or the time is one no
     *                        database keeps ({@link UtcInstants#storable}: every consumer's transaction would fail on
     *                        it and hold up all records behind it for good)
     */
    public static CloudEvent fromHeaders(UnaryOperator<String> header, byte[] data, String where) {
        String id = header.apply(CloudEventHeaders.ID);
        String type = header.apply(CloudEventHeaders.TYPE);
        String source = header.apply(CloudEventHeaders.SOURCE);
        if (id == null || type == null || source == null || data == null) {
            throw new NotACloudEvent(where + " lacks ce_id, ce_type, ce_source or a value");
        }
        if (!isTakenId(id)) {
            throw new NotACloudEvent(where + " has a ce_id that is empty, longer than " + MAX_ID
                    + " characters or with NUL");
        }
        String time = header.apply(CloudEventHeaders.TIME);
        String sequence = header.apply(CloudEventHeaders.SEQUENCE);
        Instant at;
        Long number;
        try {
            at = time == null ? null : Instant.parse(time);
            number = sequence == null ? null : Long.valueOf(sequence);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new NotACloudEvent(where + " has a ce_time or ce_sequence that is not one (" + e.getMessage() + ")");
        }
        if (at != null && !UtcInstants.storable(at)) {
            throw new NotACloudEvent(where + " has a ce_time outside the years 1 to 9999");
        }
        return new CloudEvent(id, source, type, at, header.apply(CloudEventHeaders.SUBJECT),
                header.apply(CloudEventHeaders.ORG_ID), header.apply(CloudEventHeaders.CASE_ID),
                header.apply(CloudEventHeaders.ACTOR), number, header.apply(CloudEventHeaders.CORRELATION_ID), data);
    }

    /** A record on a Casetrail topic that is not a CloudEvent in binary mode: consumers pass it over. */
    public static final class NotACloudEvent extends RuntimeException {
        NotACloudEvent(String message) {
            super(message);
        }
    }
}
