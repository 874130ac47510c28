package io.casetrail.platform.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.module.SimpleModule;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * How every service reads request bodies, beyond Jackson's defaults:
 * <ul>
 *   <li>A field the operation does not know is refused (400 {@code malformed-body} naming it): a misspelled field
 *       would otherwise be dropped silently, and a consent for {@code "targetUserId"} (for
 *       {@code targetUserIds}) would be a consent for every user. Bodies that mirror another system's documents
 *       (the identity platform's, a directory export) say {@code @JsonIgnoreProperties(ignoreUnknown = true)}.</li>
 *   <li>Text with the NUL character ({@code \u0000}) is refused, naming the field: PostgreSQL stores no NUL in
 *       text, so such a value, taken and recorded in an event, would stop every read model it reaches. So is text
 *       with half of a surrogate pair (half an emoji, {@code "\ud83d"}), which no UTF-8 can hold: PostgreSQL's
 *       driver would store {@code ?}, and the read models would differ from the event.</li>
 *   <li>No value is converted to an enum, a boolean or a number: a number for an enum (Jackson would take it as
 *       the constant's index: {@code "priority":1} would be P2, and so would {@code "1"}), a number or text for a
 *       boolean ({@code "force":2}), a fraction or text for a whole number ({@code 1.9} would be 1), an empty text
 *       for any of them ({@code "validForHours":""} would be absent). A number or boolean given for a text is read
 *       as its text. ({@code null} for a primitive still
 *       reads as its default, as an absent field does.)</li>
 *   <li>A body is one JSON value with each field once: text after it, or a field given twice (the last would
 *       win), is refused.</li>
 * </ul>
 * Events are read with their own mapper ({@code EventJson}), which ignores fields it does not know.
 */
@Singleton
public class RequestJson implements ObjectMapperCustomizer {

    /** The JSON values each kind of field is read from; any other is refused, never converted. */
    private static final Map<LogicalType, Set<CoercionInputShape>> OWN_SHAPES = Map.of(
            LogicalType.Boolean, Set.of(CoercionInputShape.Boolean),
            LogicalType.Integer, Set.of(CoercionInputShape.Integer),
            LogicalType.Float, Set.of(CoercionInputShape.Float, CoercionInputShape.Integer),
            LogicalType.Enum, Set.of(CoercionInputShape.String)); // "" is no constant's name either

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        OWN_SHAPES.forEach((type, own) -> {
            for (CoercionInputShape shape : List.of(CoercionInputShape.Integer, CoercionInputShape.Float,
                    CoercionInputShape.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString)) {
                if (!own.contains(shape)) {
                    mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
                }
            }
        });
        // an instant given as "" (or blanks) is none given: refused, not read as absent
        mapper.coercionConfigFor(LogicalType.DateTime).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        mapper.registerModule(new SimpleModule("casetrail-request-text").addDeserializer(String.class,
                new TextWithoutNul()));
    }

    /** Whether the text holds half a surrogate pair (which PostgreSQL's driver would store as '?'). */
    public static boolean halfASurrogatePair(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Jackson's own string reading, refusing NUL and half surrogate pairs. */
    static final class TextWithoutNul extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = super.deserialize(parser, context);
            if (text != null && text.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(parser, "text may not contain the NUL character (\\u0000)", text,
                        String.class);
            }
            if (text != null && halfASurrogatePair(text)) {
                throw InvalidFormatException.from(parser, "text may not contain half of a surrogate pair (half an"
                        + " emoji, as \\ud83d alone)", text, String.class);
            }
            return text;
        }
    }
}
