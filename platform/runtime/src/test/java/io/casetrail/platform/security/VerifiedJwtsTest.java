package io.casetrail.platform.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;

/** {@link VerifiedJwts} over smallrye-jwt's own parser, with tokens signed by a key pair of the test's. */
class VerifiedJwtsTest {

    static final String ISSUER = "https://casetrail.dev/issuer";
    static KeyPair keys;
    static KeyPair otherKeys;

    @BeforeAll
    static void keys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        otherKeys = generator.generateKeyPair();
    }

    /** smallrye-jwt's parser, counting the tokens it checks in full. */
    static final class CountingParser extends DefaultJWTParser {
        final AtomicInteger checks = new AtomicInteger();

        CountingParser(JWTAuthContextInfo context) {
            super(context);
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            checks.incrementAndGet();
            return super.parse(token);
        }
    }

    static CountingParser parser(int clockSkewSeconds) {
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
        context.setClockSkew(clockSkewSeconds);
        return new CountingParser(context);
    }

    static String token(PrivateKey key, String issuer, Instant expires) {
        long now = Instant.now().getEpochSecond();
        return Jwt.issuer(issuer).subject("tse-tom").upn("tse-tom").groups("support-engineer").issuedAt(now)
                .expiresAt(expires.getEpochSecond()).jws().sign(key);
    }

    @Test
    void aValidTokenIsCheckedInFullOnceAndTheSameVerifiedTokenComesBack() throws Exception {
        CountingParser parser = parser(60);
        VerifiedJwts jwts = new VerifiedJwts(parser, 60, null, 300);
        String token = token(keys.getPrivate(), ISSUER, Instant.now().plusSeconds(300));

        JsonWebToken first = jwts.parse(token);
        JsonWebToken again = jwts.parse(token);

        assertThat(first.getSubject()).isEqualTo("tse-tom");
        assertThat(first.getGroups()).containsExactly("support-engineer");
        assertThat(again).isSameAs(first);
        assertThat(parser.checks).hasValue(1);
    }

    /**
     * A token's ids go into events and read models as they are: one naming no principal (only upn), or with NUL or
     * half a surrogate pair in sub, org_id or teams, is refused (PostgreSQL keeps neither; the projections would stop).
     */
    @Test
    void aTokenWhoseIdsCannotBeKeptIsRefused() throws Exception {
        VerifiedJwts jwts = new VerifiedJwts(parser(60), 60, null, 300);
        long now = Instant.now().getEpochSecond();
        java.util.function.Function<io.smallrye.jwt.build.JwtClaimsBuilder, String> signed = claims -> claims
                .issuer(ISSUER).groups("org-admin").issuedAt(now).expiresAt(now + 300).jws().sign(keys.getPrivate());
        for (String refused : java.util.List.of(
                signed.apply(Jwt.upn("admin-ada").claim("org_id", "org-acme")),
                signed.apply(Jwt.subject(" ").upn("admin-ada").claim("org_id", "org-acme")),
                signed.apply(Jwt.subject("admin\u0000ada").claim("org_id", "org-acme")),
                halfAPairInOrgId(now),
                signed.apply(Jwt.subject("admin-ada").claim("org_id", "org-acme")
                        .claim("teams", java.util.List.of("sso", "x\u0000"))),
                // a customer is bound to its org: a customer's token names it, and ids fit the stores
                signed.apply(Jwt.subject("admin-ada")),
                signed.apply(Jwt.subject("admin-ada").claim("org_id", " ")),
                signed.apply(Jwt.subject("admin-ada").claim("org_id", "o".repeat(256))),
                signed.apply(Jwt.subject("a".repeat(256)).claim("org_id", "org-acme")))) {
            assertThatThrownBy(() -> jwts.parse(refused)).isInstanceOf(ParseException.class);
        }
        assertThat(jwts.size()).isZero();
        assertThat(jwts.parse(signed.apply(Jwt.subject("a".repeat(255)).claim("org_id", "o".repeat(255))))
                .getSubject()).hasSize(255);
        // the vendor's staff are bound to no org: their tokens need none, and one they carry is not read
        for (String org : new String[] {null, "o".repeat(256)}) {
            io.smallrye.jwt.build.JwtClaimsBuilder engineer = Jwt.subject("tse-tom").issuer(ISSUER)
                    .groups("support-engineer").issuedAt(now).expiresAt(now + 300);
            if (org != null) {
                engineer.claim("org_id", org);
            }
            assertThat(jwts.parse(engineer.jws().sign(keys.getPrivate())).getSubject()).isEqualTo("tse-tom");
        }
        // a name is shown, not matched: it is taken (the caller mends it, CallerProducerTest)
        assertThat(jwts.parse(signed.apply(Jwt.subject("admin-ada").claim("org_id", "org-acme")
                .claim("name", "Ada\u0000\ud83d"))).getSubject()).isEqualTo("admin-ada");
    }

    /** Half a surrogate pair as JSON writes it (an escape): a JSON writer of Java text sends it as "?". */
    static String halfAPairInOrgId(long now) throws Exception {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload("{\"iss\":\"" + ISSUER + "\",\"sub\":\"admin-ada\",\"groups\":[\"org-admin\"],"
                + "\"org_id\":\"org-\\ud83d\",\"iat\":" + now + ",\"exp\":" + (now + 300) + "}");
        jws.setKey(keys.getPrivate());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        return jws.getCompactSerialization();
    }

    @Test
    void refusedTokensAreRefusedEveryTimeAndNeverKept() throws Exception {
        CountingParser parser = parser(60);
        VerifiedJwts jwts = new VerifiedJwts(parser, 60, null, 300);
        String forged = token(otherKeys.getPrivate(), ISSUER, Instant.now().plusSeconds(300));
        String otherIssuer = token(keys.getPrivate(), "https://elsewhere.example", Instant.now().plusSeconds(300));
        String expired = token(keys.getPrivate(), ISSUER, Instant.now().minusSeconds(120));

        for (int attempt = 0; attempt < 2; attempt++) {
            for (String token : new String[] {forged, otherIssuer, expired}) {
                assertThatThrownBy(() -> jwts.parse(token)).isInstanceOf(ParseException.class);
            }
        }
        assertThat(parser.checks).hasValue(6);
        assertThat(jwts.size()).isZero();
    }

    @Test
    void aKeptTokenIsCheckedInFullAgainOnceItExpires() throws Exception {
        CountingParser parser = parser(0);
        VerifiedJwts jwts = new VerifiedJwts(parser, 0, null, 300);
        // room for the two checks below even on a busy machine (both must come before the expiry)
        Instant expires = Instant.ofEpochSecond(Instant.now().getEpochSecond() + 5);
        String token = token(keys.getPrivate(), ISSUER, expires);
        jwts.parse(token);
        jwts.parse(token);
        assertThat(parser.checks).hasValue(1);

        while (Instant.now().isBefore(expires.plusMillis(50))) {
            Thread.sleep(50);
        }

        assertThatThrownBy(() -> jwts.parse(token)).isInstanceOf(ParseException.class);
        assertThat(parser.checks).hasValue(2);
        assertThat(jwts.size()).isZero();
    }

    /**
     * A token is kept for casetrail.jwt.verified-for at most, however long it is valid: the full check after it
     * refuses a token whose key the identity provider withdrew since (a parser that takes the token once, then no
     * more, stands for that key set).
     */
    @Test
    void aKeptTokenIsCheckedInFullAgainAfterItsTimeSoAWithdrawnKeyRefusesIt() throws Exception {
        AtomicInteger checks = new AtomicInteger();
        CountingParser accepting = parser(0);
        JWTParser keyWithdrawnAfterTheFirst = new DefaultJWTParser() {
            @Override
            public JsonWebToken parse(String token) throws ParseException {
                if (checks.incrementAndGet() > 1) {
                    throw new ParseException("no key of the key set verifies the token");
                }
                return accepting.parse(token);
            }
        };
        VerifiedJwts jwts = new VerifiedJwts(keyWithdrawnAfterTheFirst, 0, null, 1);
        String token = token(keys.getPrivate(), ISSUER, Instant.now().plusSeconds(3600));
        long verifiedAt = Instant.now().getEpochSecond();
        jwts.parse(token);
        jwts.parse(token);
        assertThat(checks).hasValue(1);

        while (Instant.now().getEpochSecond() < verifiedAt + 2) {
            Thread.sleep(50);
        }

        assertThatThrownBy(() -> jwts.parse(token)).isInstanceOf(ParseException.class);
        assertThat(checks).hasValue(2);
        assertThat(jwts.size()).isZero();
    }

    @Test
    void withATokenAgeLimitAKeptTokenIsCheckedInFullAgainWhenItWouldBeTooOld() throws Exception {
        CountingParser parser = parser(0);
        VerifiedJwts jwts = new VerifiedJwts(parser, 0, 1L, 300);
        String token = token(keys.getPrivate(), ISSUER, Instant.now().plusSeconds(300));
        long issued = jwts.parse(token).getIssuedAtTime();

        while (Instant.now().getEpochSecond() < issued + 1) {
            Thread.sleep(50);
        }
        jwts.parse(token);

        assertThat(parser.checks).hasValue(2);
    }

    /** With the expected audience (casetrail.jwt.audience), a token for another application, or for none, is refused. */
    @Test
    void anExpectedAudienceRefusesATokenIssuedForAnotherApplication() throws Exception {
        JWTAuthContextInfo context = new JWTAuthContextInfo(keys.getPublic(), ISSUER);
        context.setExpectedAudience(java.util.Set.of("casetrail"));
        VerifiedJwts jwts = new VerifiedJwts(new CountingParser(context), 60, null, 300);
        long now = Instant.now().getEpochSecond();
        String ours = Jwt.issuer(ISSUER).subject("tse-tom").audience("casetrail").issuedAt(now).expiresAt(now + 300)
                .jws().sign(keys.getPrivate());
        String theirs = Jwt.issuer(ISSUER).subject("tse-tom").audience("crm").issuedAt(now).expiresAt(now + 300)
                .jws().sign(keys.getPrivate());

        assertThat(jwts.parse(ours).getSubject()).isEqualTo("tse-tom");
        assertThatThrownBy(() -> jwts.parse(theirs)).isInstanceOf(ParseException.class);
        assertThatThrownBy(() -> jwts.parse(token(keys.getPrivate(), ISSUER, Instant.now().plusSeconds(300))))
                .isInstanceOf(ParseException.class); // no audience at all
    }

    /** smallrye-jwt's parser, counting each claim's lookups in the tokens it gives. */
    static final class LookupCountingParser extends DefaultJWTParser {
        final java.util.Map<String, AtomicInteger> lookups = new java.util.concurrent.ConcurrentHashMap<>();

        LookupCountingParser(JWTAuthContextInfo context) {
            super(context);
        }

        @Override
        public JsonWebToken parse(String token) throws ParseException {
            JsonWebToken parsed = super.parse(token);
            return new JsonWebToken() {
                @Override
                public String getName() {
                    return parsed.getName();
                }

                @Override
                public java.util.Set<String> getClaimNames() {
                    return parsed.getClaimNames();
                }

                @Override
                public java.util.Set<String> getGroups() {
                    return parsed.getGroups();
                }

                @Override
                public <T> T getClaim(String claimName) {
                    lookups.computeIfAbsent(claimName, name -> new AtomicInteger()).incrementAndGet();
                    return parsed.getClaim(claimName);
                }
            };
        }
    }

    /**
     * Every request reads its caller's org, teams and name from the token; a kept token answers each claim from
     * what was found the first time (smallrye-jwt builds an exception for each lookup of a claim of ours), present
     * or absent, and the collections it shares between requests cannot be changed by one of them.
     */
    @Test
    void aKeptTokenLooksUpEachClaimOnceForAllTheRequestsItComesWith() throws Exception {
        LookupCountingParser parser = new LookupCountingParser(new JWTAuthContextInfo(keys.getPublic(), ISSUER));
        VerifiedJwts jwts = new VerifiedJwts(parser, 60, null, 300);
        long now = Instant.now().getEpochSecond();
        String token = Jwt.issuer(ISSUER).subject("lead-lea").groups("team-lead")
                .claim("teams", java.util.List.of("sso", "mfa")).claim("name", "Lea Lead").issuedAt(now)
                .expiresAt(now + 300).jws().sign(keys.getPrivate());

        for (int request = 0; request < 3; request++) {
            JsonWebToken jwt = jwts.parse(token);
            assertThat(CallerProducer.teams(jwt)).containsExactly("sso", "mfa");
            assertThat(CallerProducer.stringClaim(jwt, CallerProducer.NAME_CLAIM)).isEqualTo("Lea Lead");
            assertThat(CallerProducer.stringClaim(jwt, CallerProducer.ORG_CLAIM)).isNull();
            assertThat(jwt.getSubject()).isEqualTo("lead-lea");
            assertThat(jwt.getGroups()).containsExactly("team-lead");
            assertThatThrownBy(() -> jwt.getGroups().add("support-manager"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }

        assertThat(parser.lookups.get(CallerProducer.TEAMS_CLAIM)).hasValue(1);
        assertThat(parser.lookups.get(CallerProducer.NAME_CLAIM)).hasValue(1);
        assertThat(parser.lookups.get(CallerProducer.ORG_CLAIM)).hasValue(1);
        assertThat(parser.lookups.get("sub")).hasValue(1);
        assertThat(jwts.parse(token).getGroups()).containsExactly("team-lead");
    }
}
