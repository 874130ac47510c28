package io.casetrail.platform.security;

import java.util.Collections;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import io.casetrail.platform.errors.ProblemMappers;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Authorization: SSWS <token>} on the identity-platform endpoints ({@code /api/v1/...}): the token is
 * looked up by its hash in the {@link ApiTokenRegistry}; the request then acts as the token's creator, in the
 * creator's role, for the token's org. Elsewhere, and in services without the registry, SSWS authenticates
 * nothing (the request is anonymous and refused).
 */
@Singleton
public class SswsAuthentication implements HttpAuthenticationMechanism {

    public static final String SCHEME = "SSWS";
    /** Identity attribute: the org the token belongs to. */
    public static final String ORG_ATTRIBUTE = "org_id";
    /** Identity attribute: the token's id (for audit: which token made the request). */
    public static final String TOKEN_ATTRIBUTE = "api_token_id";
    /** Identity attribute: the display name of the token's creator. */
    public static final String NAME_ATTRIBUTE = "name";

    /** The credential of an SSWS request. */
    public static final class SswsRequest extends BaseAuthenticationRequest {
        private final String secret;

        SswsRequest(String secret) {
            this.secret = secret;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)
                || !ProblemMappers.isIdentityPlatformPath(context.normalizedPath())) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return identities.authenticate(new SswsRequest(authorization.substring(SCHEME.length() + 1).trim()));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Collections.singleton(SswsRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION,
                SCHEME.toLowerCase()));
    }

    /** Resolves SSWS credentials against the registry (a blocking database read). */
    @Singleton
    public static class Provider implements IdentityProvider<SswsRequest> {

        @Inject
        Instance<ApiTokenRegistry> registry;

        @Override
        public Class<SswsRequest> getRequestType() {
            return SswsRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(SswsRequest request, AuthenticationRequestContext context) {
            if (!registry.isResolvable()) {
                return Uni.createFrom().optional(Optional.empty());
            }
            return context.runBlocking(() -> registry.get().find(request.secret)
                    .map(token -> (SecurityIdentity) QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(token.createdBy()))
                            .addRole(token.role())
                            .addAttribute(ORG_ATTRIBUTE, token.orgId())
                            .addAttribute(TOKEN_ATTRIBUTE, token.tokenId())
                            .addAttribute(NAME_ATTRIBUTE, token.createdByName() + " (API token " + token.name() + ")")
                            .build())
                    .orElseThrow(() -> new io.quarkus.security.AuthenticationFailedException("unknown API token")));
        }
    }
}
