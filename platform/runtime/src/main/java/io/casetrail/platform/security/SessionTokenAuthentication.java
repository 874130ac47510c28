package io.casetrail.platform.security;

import java.security.PublicKey;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;

import io.quarkus.security.AuthenticationFailedException;
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
 * {@code Authorization: Session <token>}: the read-only session token of an impersonation session, signed by
 * support-access-service with its own key. Verified here with its public key
 * ({@code casetrail.access.session-token.public-key-location}), issuer and audience, then checked against the
 * service's {@link SessionRegistry}: a token of a session that ended is refused even before it expires. The
 * identity acts in the single role {@link Roles#IMPERSONATION}, which only the org admin views take.
 */
@Singleton
public class SessionTokenAuthentication implements HttpAuthenticationMechanism {

    public static final String SCHEME = "Session";
    public static final String ORG_ATTRIBUTE = "org_id";
    public static final String CASE_ATTRIBUTE = "case_number";
    public static final String SESSION_ATTRIBUTE = "session_id";
    public static final String NAME_ATTRIBUTE = "name";

    /** The credential of a session-token request. */
    public static final class SessionTokenRequest extends BaseAuthenticationRequest {
        private final String token;

        SessionTokenRequest(String token) {
            this.token = token;
        }
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String authorization = context.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME + " ", 0, SCHEME.length() + 1)) {
            return Uni.createFrom().optional(Optional.empty());
        }
        return identities.authenticate(new SessionTokenRequest(authorization.substring(SCHEME.length() + 1).trim()));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", SCHEME));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Collections.singleton(SessionTokenRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.AUTHORIZATION,
                SCHEME.toLowerCase()));
    }

    /** Verifies session tokens (a blocking check of the session's state follows the signature check). */
    @Singleton
    public static class Provider implements IdentityProvider<SessionTokenRequest> {

        @Inject
        Instance<SessionRegistry> sessions;

        @ConfigProperty(name = "casetrail.access.session-token.public-key-location")
        Optional<String> publicKeyLocation;

        @ConfigProperty(name = "casetrail.access.session-token.issuer", defaultValue = "https://casetrail.dev/support-access")
        String issuer;

        @ConfigProperty(name = "casetrail.access.session-token.audience", defaultValue = "casetrail-org-admin")
        String audience;

        private volatile JwtConsumer consumer;

        @Override
        public Class<SessionTokenRequest> getRequestType() {
            return SessionTokenRequest.class;
        }

        @Override
        public Uni<SecurityIdentity> authenticate(SessionTokenRequest request, AuthenticationRequestContext context) {
            if (publicKeyLocation.isEmpty() || !sessions.isResolvable()) {
                return Uni.createFrom().optional(Optional.empty());
            }
            return context.runBlocking(() -> verify(request.token));
        }

        private SecurityIdentity verify(String token) {
            JwtClaims claims;
            try {
                claims = consumer().processToClaims(token);
            } catch (InvalidJwtException e) {
                throw new AuthenticationFailedException("invalid session token");
            }
            try {
                if (!"impersonation".equals(claims.getStringClaimValue("token_use"))) {
                    throw new AuthenticationFailedException("not a session token");
                }
                String orgId = claims.getStringClaimValue("org_id");
                String sessionId = claims.getStringClaimValue("session_id");
                if (!sessions.get().isActive(orgId, sessionId)) {
                    throw new AuthenticationFailedException("the impersonation session has ended");
                }
                return QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(claims.getSubject()))
                        .addRole(Roles.IMPERSONATION)
                        .addAttribute(ORG_ATTRIBUTE, orgId)
                        .addAttribute(CASE_ATTRIBUTE, claims.getStringClaimValue("case_number"))
                        .addAttribute(SESSION_ATTRIBUTE, sessionId)
                        .addAttribute(NAME_ATTRIBUTE, claims.getClaimValueAsString("original_principal"))
                        .build();
            } catch (org.jose4j.jwt.MalformedClaimException e) {
                throw new AuthenticationFailedException("malformed session token");
            }
        }

        private JwtConsumer consumer() {
            if (consumer == null) {
                PublicKey key = PemKeys.publicKey(publicKeyLocation.orElseThrow());
                consumer = new JwtConsumerBuilder()
                        // signed with support-access-service's RSA key, with RS256 only: no other algorithm is
                        // taken, whatever a token's header names
                        .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                                AlgorithmIdentifiers.RSA_USING_SHA256)
                        .setVerificationKey(key)
                        .setExpectedIssuer(issuer)
                        .setExpectedAudience(audience)
                        .setRequireExpirationTime()
                        .setRequireSubject()
                        .setAllowedClockSkewInSeconds(5)
                        .build();
            }
            return consumer;
        }
    }
}
