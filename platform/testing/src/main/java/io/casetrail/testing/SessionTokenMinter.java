package io.casetrail.testing;

import java.security.PrivateKey;
import java.time.Instant;
import java.util.Map;

import io.casetrail.platform.security.PemKeys;
import io.smallrye.jwt.build.Jwt;

/**
 * Signs impersonation session tokens with the test session key, in the form support-access-service issues them
 * (issuer, audience and claims), for testing the services that accept them on their own.
 */
public final class SessionTokenMinter {

    private static final PrivateKey KEY = PemKeys.privateKey("casetrail-test-keys/session-private.pem");

    private SessionTokenMinter() {
    }

    public static String mint(String engineer, String orgId, String caseNumber, String sessionId, Instant expiresAt) {
        return Jwt.issuer("https://casetrail.dev/support-access")
                .audience("casetrail-org-admin")
                .subject(engineer)
                .issuedAt(Instant.now())
                .expiresAt(expiresAt)
                .groups("impersonation")
                .claim("token_use", "impersonation")
                .claim("read_only", true)
                .claim("org_id", orgId)
                .claim("case_number", caseNumber)
                .claim("session_id", sessionId)
                .claim("original_principal", Map.of("id", engineer, "displayName", engineer))
                .jws().sign(KEY);
    }
}
