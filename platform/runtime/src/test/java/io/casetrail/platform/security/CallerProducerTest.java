package io.casetrail.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.jose4j.jwt.JwtClaims;
import org.junit.jupiter.api.Test;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipal;

/**
 * A token binds its principal to an org only as a customer's: the vendor's staff are bound to none, whatever
 * {@code org_id} their identity provider adds (their requests would be filed, and their retries keyed, under it).
 */
class CallerProducerTest {

    @Test
    void onlyACustomersTokenIsBoundToTheOrgItNames() {
        SecurityIdentity engineer = identity("tse-tom", Roles.SUPPORT_ENGINEER);
        assertThat(CallerProducer.orgOf(engineer)).isNull();
        assertThat(new CallerProducer(engineer).caller().orgId()).isNull();

        SecurityIdentity admin = identity("admin-ada", Roles.ORG_ADMIN);
        assertThat(CallerProducer.orgOf(admin)).isEqualTo("org-acme");
        assertThat(new CallerProducer(admin).caller().orgId()).isEqualTo("org-acme");
    }

    @Test
    void aTokenOfACustomersRoleAndTheVendorsIsOnBothSides() {
        assertThat(VerifiedJwts.customerAndVendor(Set.of(Roles.ORG_ADMIN, Roles.AUDITOR))).isTrue();
        assertThat(VerifiedJwts.customerAndVendor(Set.of(Roles.ORG_ADMIN, Roles.ORG_SUPER_ADMIN))).isFalse();
        assertThat(VerifiedJwts.customerAndVendor(Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_ENGINEER))).isFalse();
        assertThat(VerifiedJwts.customerAndVendor(Set.of(Roles.ORG_ADMIN, "some-idp-group"))).isFalse();
    }

    /** A display name is kept readable: NUL and lone halves of surrogate pairs mended, never cut inside a pair. */
    @Test
    void aDisplayNameIsMendedAndCutWholeCharacters() {
        assertThat(CallerProducer.readable("Ada\u0000B\ud83d!", 255)).isEqualTo("Ada\uFFFDB\uFFFD!");
        assertThat(CallerProducer.readable("Ada \ud83d\ude00", 255)).isEqualTo("Ada \ud83d\ude00");
        String name = "a".repeat(254) + "\ud83d\ude00";
        assertThat(CallerProducer.readable(name, 255)).isEqualTo("a".repeat(254));
        assertThat(CallerProducer.readable("a".repeat(300), 255)).hasSize(255);
    }

    private static SecurityIdentity identity(String subject, String role) {
        JwtClaims claims = new JwtClaims();
        claims.setSubject(subject);
        claims.setStringListClaim("groups", List.of(role));
        claims.setClaim(CallerProducer.ORG_CLAIM, "org-acme");
        return QuarkusSecurityIdentity.builder().setPrincipal(new DefaultJWTCallerPrincipal(claims)).addRole(role)
                .build();
    }
}
