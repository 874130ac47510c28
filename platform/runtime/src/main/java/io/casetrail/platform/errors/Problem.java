package io.casetrail.platform.errors;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, sent as {@code application/problem+json}.
 *
 * @param type     identifies the kind of problem; {@code https://casetrail.io/problems/<slug>}
 * @param title    short summary of the kind of problem
 * @param status   the HTTP status
 * @param detail   what went wrong with this request, in words a client developer can act on
 * @param instance the request path
 * @param errors   per-field violations, for bad input
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance,
                      List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    static final String TYPE_BASE = "https://casetrail.io/problems/";

    /** One invalid field of a request. */
    public record FieldError(String field, String message) {
    }

    public static Problem of(String slug, String title, int status, String detail, String instance) {
        return new Problem(URI.create(TYPE_BASE + slug), title, status, detail, instance, null);
    }
}
