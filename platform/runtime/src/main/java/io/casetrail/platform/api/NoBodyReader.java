package io.casetrail.platform.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads a {@link NoBody} whatever the request's Content-Type, none included (as {@code curl -X POST} sends an
 * operation without a body): nothing, or blanks, is none; anything else is read as the JSON of an empty object by
 * the strict request mapper ({@link RequestJson}), so a field in it is {@code 400 malformed-body} naming it.
 */
@Provider
@Consumes(MediaType.WILDCARD)
public class NoBodyReader implements MessageBodyReader<NoBody> {

    @Inject
    ObjectMapper json;

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == NoBody.class;
    }

    @Override
    public NoBody readFrom(Class<NoBody> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                           MultivaluedMap<String, String> headers, InputStream body) throws IOException {
        byte[] bytes = body.readAllBytes();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return json.readValue(bytes, NoBody.class);
        } catch (JsonProcessingException e) {
            // a field, or no JSON at all (text, a form, a truncated object): 400 malformed-body, as Jackson's own
            // reader answers for the operations that take a body
            throw new WebApplicationException(e, Response.Status.BAD_REQUEST);
        }
    }
}
