package io.casetrail.platform.api;

import java.util.List;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.Provider;

import io.casetrail.platform.errors.InvalidInput;

/**
 * Refuses, before anything else is done for it, a request with the NUL character (percent-encoded as {@code %00})
 * in its path or in a query parameter: PostgreSQL stores NUL in no text, so a case number or a filter with one
 * would fail in the database (500). It is 400, with the identity platform's error body on its endpoints. After
 * {@code RequestLogs}, which logs the refusal like any answer. (Characters a URI must percent-encode, sent raw, such
 * as a filter's quotes typed into curl, never get this far: the HTTP server answers them 400 itself.)
 */
@Provider
@PreMatching
@Priority(Priorities.USER + 50)
public class RequestUris implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        if (uri.getPath().indexOf('\u0000') >= 0 || uri.getQueryParameters().values().stream()
                .flatMap(List::stream).anyMatch(value -> value.indexOf('\u0000') >= 0)) {
            throw new InvalidInput("the address may not contain the NUL character (%00)");
        }
    }
}
