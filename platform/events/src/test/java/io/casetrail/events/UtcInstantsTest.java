package io.casetrail.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** Instants in events read as the JSR-310 module reads them, value or error, the usual form without a formatter. */
class UtcInstantsTest {

    record Stamped(String id, Instant at) {
    }

    private static final ObjectMapper EVENTS = EventJson.newMapper();
    private static final ObjectMapper REFERENCE = JsonMapper.builder().addModule(new JavaTimeModule()).build();

    @Test
    void instantsReadAsTheJsr310ModuleReadsThem() throws Exception {
        SplittableRandom random = new SplittableRandom(20261130);
        long from = Instant.parse("1970-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000L;
                case 2 -> random.nextInt(1_000_000) * 1_000L;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(from, to), nanos);
            String json = "{\"id\":\"x\",\"at\":\"" + instant + "\"}";
            assertThat(UtcInstants.parseOrNull(instant.toString())).isEqualTo(instant);
            assertThat(EVENTS.readValue(json, Stamped.class)).as(json)
                    .isEqualTo(REFERENCE.readValue(json, Stamped.class)).isEqualTo(new Stamped("x", instant));
        }
    }

    @Test
    void otherFormsGoToTheModulesParser() throws Exception {
        for (String value : List.of("\"2026-11-29T05:30:00Z\"", "\"2026-11-29T05:30:00.5Z\"",
                "\"2026-11-29T06:30:00+01:00\"", "\"2024-02-29T23:59:59.999Z\"", "\"0001-01-01T00:00:00.000Z\"",
                "\"+10000-01-01T00:00:00Z\"", "\"2026-11-29T23:59:60Z\"", "1764394200", "1764394200.5", "null",
                "\"1764394200\"")) {
            String json = "{\"id\":\"x\",\"at\":" + value + "}";
            assertThat(EVENTS.readValue(json, Stamped.class)).as(json)
                    .isEqualTo(REFERENCE.readValue(json, Stamped.class));
        }
        assertThat(UtcInstants.parseOrNull("2026-11-29T06:30:00+01:00")).isNull();
        assertThat(UtcInstants.parseOrNull("2026-11-29T23:59:60Z")).isNull();
    }

    @Test
    void textTheFastReaderRefusesIsReadOrRefusedAsTheModuleDoes() throws Exception {
        for (String text : List.of("2026-02-30T00:00:00.000Z", "2026-11-29T24:00:00.000Z", "2026-13-01T00:00:00Z",
                "2026-11-29T05:60:00.000Z", "2026-11-29 05:30:00.000Z", "garbage", "2026-11-29T05:30:00.Z",
                "2026-11-29T05:30:0x.000Z", "2026-11-29T05:30:00.1234567890Z")) {
            String json = "{\"id\":\"x\",\"at\":\"" + text + "\"}";
            assertThat(UtcInstants.parseOrNull(text)).as(text).isNull();
            Object reference;
            try {
                reference = REFERENCE.readValue(json, Stamped.class);
            } catch (JsonMappingException refused) {
                assertThatThrownBy(() -> EVENTS.readValue(json, Stamped.class)).as(text)
                        .isInstanceOf(refused.getClass()).hasMessage(refused.getMessage());
                continue;
            }
            assertThat(EVENTS.readValue(json, Stamped.class)).as(text).isEqualTo(reference);
        }
        assertThatThrownBy(() -> EVENTS.readValue("{\"at\":\"2026-11-29T05:60:00.000Z\"}", Stamped.class))
                .isInstanceOf(JsonMappingException.class);
    }

    @Test
    void eventPropertiesAndValuesAreReadByTheFastReader() throws Exception {
        DeserializationContext context = ((DefaultDeserializationContext) EVENTS.getDeserializationContext())
                .createInstance(EVENTS.getDeserializationConfig(), null, null);
        assertThat(context.findRootValueDeserializer(EVENTS.constructType(Instant.class)))
                .isInstanceOf(UtcInstants.Deserializer.class);
        BeanDeserializerBase stamped = (BeanDeserializerBase) context.findRootValueDeserializer(
                EVENTS.constructType(Stamped.class));
        assertThat(stamped.findProperty("at").getValueDeserializer()).isInstanceOf(UtcInstants.Deserializer.class);
    }
}
