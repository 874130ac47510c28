package io.casetrail.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.casetrail.platform.security.PemKeys;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * Signs RS256 bearer tokens the way the identity provider would: {@code sub}, {@code groups} (roles),
 * {@code org_id} for customer principals, {@code teams} for support staff, {@code name}.
 */
public final class TokenMinter {

    /** The issuer of test and local-development tokens; services accept it in those modes only. */
    public static final String DEV_ISSUER = "https://casetrail.dev/issuer";
    /** The audience the services expect by default ({@code casetrail.jwt.audience}). */
    public static final String AUDIENCE = "casetrail";

    private final PrivateKey key;
    private final String issuer;

    public TokenMinter(PrivateKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    /** Signs with the test key pair shipped in this jar (verified by services under test). */
    public static TokenMinter forTests() {
        try (InputStream in = TokenMinter.class.getResourceAsStream("/casetrail-test-keys/private.pem")) {
            if (in == null) {
                throw new IllegalStateException("test key missing from the classpath");
            }
            return new TokenMinter(PemKeys.privateKeyFromPem(new String(in.readAllBytes(), StandardCharsets.US_ASCII)),
                    DEV_ISSUER);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Signs with a PKCS#8 PEM private key from a file. */
    public static TokenMinter fromPem(Path privateKeyPem, String issuer) {
        return new TokenMinter(PemKeys.privateKey("file:" + privateKeyPem.toAbsolutePath()), issuer);
    }

    /** A token for one principal. */
    public Token token(String subject) {
        return new Token(subject);
    }

    /** Shortcut: a token for {@code subject} in {@code role}, bound to {@code orgId} (may be null). */
    public String mint(String role, String orgId, String subject) {
        return token(subject).role(role).org(orgId).sign();
    }

    /** What goes into one token. */
    public final class Token {
        private final String subject;
        private final Set<String> roles = new LinkedHashSet<>();
        private final Set<String> teams = new LinkedHashSet<>();
        private String orgId;
        private String name;
        private Duration lifetime = Duration.ofHours(8);
        private String audience = AUDIENCE;
        private final java.util.Map<String, Object> extra = new java.util.LinkedHashMap<>();

        private Token(String subject) {
            this.subject = subject;
        }

        public Token role(String role) {
            roles.add(role);
            return this;
        }

        public Token org(String org) {
            this.orgId = org;
            return this;
        }

        public Token team(String team) {
            teams.add(team);
            return this;
        }

        public Token name(String displayName) {
            this.name = displayName;
            return this;
        }

        /** Any other claim, e.g. {@code email}. */
        public Token claim(String name, Object value) {
            extra.put(name, value);
            return this;
        }

        /** The {@code aud} claim ({@link #AUDIENCE} unless set; null: none). */
        public Token audience(String audience) {
            this.audience = audience;
            return this;
        }

        public Token lifetime(Duration duration) {
            this.lifetime = duration;
            return this;
        }

        public String sign() {
            JwtClaimsBuilder claims = Jwt.issuer(issuer).subject(subject).upn(subject).groups(roles)
                    .expiresIn(lifetime);
            if (audience != null) {
                claims.audience(audience);
            }
            if (orgId != null) {
                claims.claim("org_id", orgId);
            }
            if (!teams.isEmpty()) {
                claims.claim("teams", List.copyOf(teams));
            }
            claims.claim("name", name == null ? subject : name);
            extra.forEach(claims::claim);
            return claims.jws().sign(key);
        }
    }
}
