package io.casetrail.events;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;

/**
 * The JSON form of event payloads, shared by producers (event store, Kafka) and consumers: timestamps as
 * ISO-8601 strings, and unknown fields ignored so that consumers keep working when a producer adds an optional
 * field within the same event version. Instants in UTC are read without a formatter ({@link UtcInstants}).
 */
public final class EventJson {

    private static final JsonFactory JSON_TEXT = new JsonFactory();

    private EventJson() {
    }

    /** A new mapper with the published-language settings (callers may register more modules on it). */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .addModule(new JavaTimeModule())
                // registered after the JSR-310 module, so it is the one asked for an Instant
                .addModule(new SimpleModule("casetrail-utc-instants").addDeserializer(Instant.class,
                        new UtcInstants.Deserializer(InstantDeserializer.INSTANT)))
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                // a value of an enumerated field this reader does not know is read as none, so that a reader fails
                // where the value matters, not on every field; a new value is a breaking change all the same, a new
                // vN type (docs/events.md, "Versioning")
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
                .build();
    }

    /**
     * Whether a record's value is JSON text at all: not empty, one well-formed document. A value that is not can
     * never become an event (consumers pass over it; an audit replay reports it unreadable).
     */
    public static boolean isJsonText(byte[] value) {
        try (JsonParser parser = JSON_TEXT.createParser(value)) {
            if (parser.nextToken() == null) {
                return false; // empty
            }
            while (parser.nextToken() != null) {
                // read to the end
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
