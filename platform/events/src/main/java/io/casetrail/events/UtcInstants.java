package io.casetrail.events;

import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;

/**
 * Reads instants written in UTC as {@code 2026-11-29T05:30:00.123456Z} (ISO-8601, no fraction or one to nine
 * digits of it: what {@link Instant#toString} and Jackson write) without a {@link java.time.format.DateTimeFormatter}.
 * A formatter builds a parser and a map of fields for every instant it reads, which costs more than the rest of
 * reading an event. Text in any other form is left to the reference parser, which gives the same instant or the
 * same error.
 */
public final class UtcInstants {

    private static final Instant EARLIEST_STORABLE = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST_STORABLE = Instant.parse("9999-12-31T23:59:59Z");

    private UtcInstants() {
    }

    /**
     * Whether an instant is within the years 1 to 9999, as every time Casetrail stores is: the databases keep and
     * compare no other (Java parses years far beyond).
     */
    public static boolean storable(Instant at) {
        return !at.isBefore(EARLIEST_STORABLE) && !at.isAfter(LATEST_STORABLE);
    }

    /**
     * The instant {@code text} names if it is in the form above, else null (another form, or not a valid time: the
     * reference parser then reads it or refuses it).
     */
    public static Instant parseOrNull(String text) {
        int length = text.length();
        if (length < 20 || length == 21 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(length - 1) != 'Z' || length > 20 && text.charAt(19) != '.') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int fraction = length > 20 ? digits(text, 20, length - 1) : 0;
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59 || fraction < 0) {
            return null;
        }
        for (int i = length; i < 30; i++) { // the fraction's digits, scaled to nanoseconds
            fraction *= 10;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, fraction);
    }

    /** The decimal number in {@code text[from, to)}, or -1 if a character there is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /**
     * Jackson's reading of an {@link Instant}: strings in the form above read here, everything else (other forms,
     * numbers, nulls, a property with its own format) by {@code fallback}, the JSR-310 module's deserializer.
     */
    static final class Deserializer extends StdDeserializer<Instant> implements ContextualDeserializer {

        private final JsonDeserializer<Instant> fallback;

        Deserializer(JsonDeserializer<Instant> fallback) {
            super(Instant.class);
            this.fallback = fallback;
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant instant = parseOrNull(parser.getText());
                if (instant != null) {
                    return instant;
                }
            }
            return fallback.deserialize(parser, context);
        }

        @Override
        public Object deserializeWithType(JsonParser parser, DeserializationContext context,
                TypeDeserializer types) throws IOException {
            return fallback.deserializeWithType(parser, context, types);
        }

        /** A property with a format of its own is read by the fallback made for it, with that format. */
        @Override
        public JsonDeserializer<?> createContextual(DeserializationContext context, BeanProperty property)
                throws JsonMappingException {
            JsonDeserializer<?> contextual = fallback instanceof ContextualDeserializer c
                    ? c.createContextual(context, property) : fallback;
            return contextual == fallback ? this : contextual;
        }
    }
}
