package io.casetrail.access.api;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Singleton;

import io.casetrail.access.command.AccessSettings;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.PemKeys;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtSignatureBuilder;

/**
 * Signs the read-only session tokens of impersonation sessions: RS256 with support-access-service's own key (never
 * the identity provider's, so a session token is never taken for a user token), naming the original principal, the
 * org, the case and the session, valid until the session ends at the latest. The org admin views (org-admin-service)
 * verify it with the public key and refuse it once the session has ended.
 */
@Singleton
public class SessionTokens {

    public static final String TOKEN_USE = "impersonation";

    private final AccessSettings.SessionToken settings;
    private final PrivateKey key;

    public SessionTokens(AccessSettings settings) {
        this.settings = settings.sessionToken();
        this.key = PemKeys.privateKey(this.settings.privateKeyLocation());
    }

    public String sign(Caller engineer, String orgId, String caseNumber, String sessionId, Instant issuedAt,
                       Instant endsAt) {
        JwtSignatureBuilder jws = Jwt.issuer(settings.issuer())
                .audience(settings.audience())
                .subject(engineer.id())
                .issuedAt(issuedAt)
                .expiresAt(endsAt)
                .groups("impersonation")
                .claim("token_use", TOKEN_USE)
                .claim("read_only", true)
                .claim("org_id", orgId)
                .claim("case_number", caseNumber)
                .claim("session_id", sessionId)
                .claim("original_principal", Map.of("id", engineer.id(), "displayName", engineer.displayName(),
                        "roles", List.copyOf(engineer.roles())))
                .jws();
        settings.keyId().ifPresent(jws::keyId);
        return jws.sign(key);
    }
}
