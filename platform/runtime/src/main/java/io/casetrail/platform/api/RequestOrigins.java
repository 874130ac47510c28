package io.casetrail.platform.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.casetrail.events.RequestOrigin;
import io.casetrail.platform.security.SswsAuthentication;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

/**
 * The {@link RequestOrigin} of the current request, for audit: the client address (the first
 * {@code X-Forwarded-For} hop when {@code casetrail.http.trust-forwarded-for=true}, behind a trusted proxy) and
 * the {@code User-Agent}, and the org API token it was made with, if any. A value: inject it into request-scoped
 * beans.
 */
@ApplicationScoped
public class RequestOrigins {

    private final HttpServerRequest request;
    private final SecurityIdentity identity;
    private final boolean trustForwardedFor;

    public RequestOrigins(HttpServerRequest request, SecurityIdentity identity,
                          @ConfigProperty(name = "casetrail.http.trust-forwarded-for", defaultValue = "false")
                          boolean trustForwardedFor) {
        this.request = request;
        this.identity = identity;
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
        String apiToken = identity.isAnonymous() ? null : identity.getAttribute(SswsAuthentication.TOKEN_ATTRIBUTE);
        return new RequestOrigin(address, request.getHeader("User-Agent"), apiToken);
    }
}
