package io.casetrail.platform.api;

import java.io.IOException;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *       text, so such a value, taken and recorded in an event, would stop every read model it reaches.</li>
 * </ul>
 * Events are read with their own mapper ({@code EventJson}), which ignores fields it does not know.
 */
@Singleton
public class RequestJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.registerModule(new SimpleModule("casetrail-request-text").addDeserializer(String.class,
                new TextWithoutNul()));
    }

    /** Jackson's own string reading, refusing NUL. */
    static final class TextWithoutNul extends StringDeserializer {

        @Override
        public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            String text = super.deserialize(parser, context);
            if (text != null && text.indexOf('\u0000') >= 0) {
                throw InvalidFormatException.from(parser, "text may not contain the NUL character (\\u0000)", text,
                        String.class);
            }
            return text;
        }
    }
}
