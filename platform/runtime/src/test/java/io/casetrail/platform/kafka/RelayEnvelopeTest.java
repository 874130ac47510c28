package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;

/**
 * The relay reads orgId, caseNumber and actor.id from an event's stored JSON instead of deserializing it: for every
 * event type of the catalog, what it reads equals what the event's {@link DomainEvent} methods answer.
 */
class RelayEnvelopeTest {

    private static final ObjectMapper JSON = EventJson.newMapper();

    @Test
    void everyEventTypeGivesTheSameEnvelopeAsItsMethods() throws Exception {
        List<Class<? extends DomainEvent>> types = EventCatalog.all();
        assertThat(types).hasSizeGreaterThan(40);
        for (Class<? extends DomainEvent> type : types) {
            DomainEvent event = (DomainEvent) sample(type, type.getSimpleName());
            byte[] json = JSON.writeValueAsBytes(event);
            KafkaRelay.Envelope envelope = KafkaRelay.Envelope.of(json);
            // read from the bytes, without the parser
            assertThat(KafkaRelay.Envelope.walked(json)).as(type.getSimpleName() + " walked").isNotNull();
            assertThat(envelope.orgId).as(type.getSimpleName() + " orgId").isEqualTo(event.orgId())
                    .isNotNull();
            assertThat(envelope.caseNumber).as(type.getSimpleName() + " caseNumber").isEqualTo(event.caseNumber());
            assertThat(envelope.actorId).as(type.getSimpleName() + " actor")
                    .isEqualTo(event.actor() == null ? null : event.actor().id());
        }
    }

    @Test
    void nestedFieldsOfTheSameNameAreNotTakenForTheEnvelope() {
        KafkaRelay.Envelope envelope = KafkaRelay.Envelope.of("""
                {"details":{"orgId":"wrong","caseNumber":"wrong","actor":{"id":"wrong"}},
                 "orgId":"org-1","list":[{"orgId":"wrong"}],"actor":{"kind":"USER","id":"u-1","name":{"id":"x"}}}"""
                .getBytes(StandardCharsets.UTF_8));
        assertThat(envelope.orgId).isEqualTo("org-1");
        assertThat(envelope.caseNumber).isNull();
        assertThat(envelope.actorId).isEqualTo("u-1");
    }

    @Test
    void theCorrelationIsTheRequestIdOfTheStoredMetadataElseAxonsCorrelationId() {
        assertThat(KafkaRelay.Envelope.correlation("""
                {"traceId":"t-1","nested":{"requestId":"wrong"},"correlationId":"c-1","list":[{"requestId":"wrong"}],
                 "requestId":"r-1"}""".getBytes(StandardCharsets.UTF_8))).isEqualTo("r-1");
        assertThat(KafkaRelay.Envelope.correlation("""
                {"traceId":"t-1","nested":{"correlationId":"wrong"},"correlationId":"c-1"}"""
                .getBytes(StandardCharsets.UTF_8))).isEqualTo("c-1");
        assertThat(KafkaRelay.Envelope.correlation("{\"traceId\":\"t-1\"}".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        assertThatThrownBy(() -> KafkaRelay.Envelope.correlation("\"c-1\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aPayloadThatIsNotAnObjectIsRefused() {
        assertThatThrownBy(() -> KafkaRelay.Envelope.of("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> KafkaRelay.Envelope.of("{\"orgId\":".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalStateException.class);
    }

    /** A value of the given type with every component filled (strings name their component). */
    private static Object sample(Type type, String name) throws Exception {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == String.class) {
            return name + "-" + UUID.randomUUID().toString().substring(0, 8);
        } else if (raw == int.class || raw == Integer.class) {
            return 3;
        } else if (raw == long.class || raw == Long.class) {
            return 7L;
        } else if (raw == boolean.class || raw == Boolean.class) {
            return true;
        } else if (raw == double.class || raw == Double.class) {
            return 1.5;
        } else if (raw == Instant.class) {
            return Instant.parse("2026-11-29T01:00:00Z");
        } else if (raw == LocalDate.class) {
            return LocalDate.parse("2026-11-29");
        } else if (raw == Duration.class) {
            return Duration.ofHours(8);
        } else if (raw == UUID.class) {
            return UUID.randomUUID();
        } else if (raw.isEnum()) {
            return raw.getEnumConstants()[0];
        } else if (List.class.isAssignableFrom(raw) || Collection.class == raw) {
            return List.of(sample(((ParameterizedType) type).getActualTypeArguments()[0], name + "-item"));
        } else if (Set.class.isAssignableFrom(raw)) {
            return Set.of(sample(((ParameterizedType) type).getActualTypeArguments()[0], name + "-item"));
        } else if (Map.class.isAssignableFrom(raw)) {
            Type[] arguments = ((ParameterizedType) type).getActualTypeArguments();
            return Map.of(sample(arguments[0], name + "-key"), sample(arguments[1], name + "-value"));
        } else if (raw.isRecord()) {
            RecordComponent[] components = raw.getRecordComponents();
            Object[] values = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                values[i] = sample(components[i].getGenericType(), components[i].getName());
                types[i] = components[i].getType();
            }
            Constructor<?> constructor = raw.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        }
        throw new IllegalArgumentException("no sample for " + type + " (" + name + ")");
    }
}
