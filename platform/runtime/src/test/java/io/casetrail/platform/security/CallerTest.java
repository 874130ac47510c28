package io.casetrail.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.casetrail.events.Actor;

/** The actor a principal is on record as: in the role it acts in, on that role's side. */
class CallerTest {

    @Test
    void anActorIsOnTheSideOfTheRoleActedIn() {
        Caller both = new Caller("ada", "Ada", Set.of(Roles.ORG_ADMIN, Roles.SUPPORT_ENGINEER), "org-acme",
                Set.of("sso"));
        assertThat(both.actor()).isEqualTo(new Actor("ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN));
        assertThat(both.actingAs(Roles.SUPPORT_ENGINEER))
                .isEqualTo(new Actor("ada", "Ada", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER));
        Caller tom = new Caller("tom", null, Set.of(Roles.SUPPORT_ENGINEER, Roles.SUPPORT_MANAGER), null, Set.of());
        assertThat(tom.actor()).isEqualTo(new Actor("tom", "tom", Actor.Kind.SUPPORT, Roles.SUPPORT_MANAGER));
        assertThat(tom.actingAs(Roles.SUPPORT_ENGINEER))
                .isEqualTo(new Actor("tom", "tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER));
    }
}
