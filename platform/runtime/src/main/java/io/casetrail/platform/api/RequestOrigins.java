package io.casetrail.platform.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.casetrail.events.RequestOrigin;
import io.vertx.core.http.HttpServerRequest;

/**
 * The {@link RequestOrigin} of the current request, for audit: the client address (the first
 * {@code X-Forwarded-For} hop when {@code casetrail.http.trust-forwarded-for=true}, behind a trusted proxy) and
 * the {@code User-Agent}. A value: inject it into request-scoped beans.
 */
@ApplicationScoped
public class RequestOrigins {

    private final HttpServerRequest request;
    private final boolean trustForwardedFor;

    public RequestOrigins(HttpServerRequest request,
                          @ConfigProperty(name = "casetrail.http.trust-forwarded-for", defaultValue = "false")
                          boolean trustForwardedFor) {
        this.request = request;
        this.trustForwardedFor = trustForwardedFor;
    }

    @Produces
    @Dependent
    RequestOrigin origin() {
        String address = request.remoteAddress() == null ? null : request.remoteAddress().host();
        String forwarded = request.getHeader("X-Forwarded-For");
        if (trustForwardedFor && forwarded != null && !forwarded.isBlank()) {
            address = forwarded.split(",")[0].trim();
        }
        return new RequestOrigin(address, request.getHeader("User-Agent"));
    }
}
