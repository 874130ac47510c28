package io.casetrail.platform.security;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.casetrail.events.Actor;

/**
 * The authenticated principal of a request, as the domain sees it.
 *
 * @param id          JWT {@code sub}
 * @param displayName JWT {@code name}, or the id
 * @param roles       JWT {@code groups}, restricted to the roles Casetrail knows
 * @param orgId       JWT {@code org_id}: the org a customer principal is bound to; {@code null} for vendor staff
 * @param teams       JWT {@code teams}: the support teams a vendor principal belongs to
 */
public record Caller(String id, String displayName, Set<String> roles, String orgId, Set<String> teams) {

    public Caller {
        Objects.requireNonNull(id, "id");
        roles = Set.copyOf(roles);
        teams = teams == null ? Set.of() : Set.copyOf(teams);
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
    }

    public boolean has(String role) {
        return roles.contains(role);
    }

    public boolean hasAny(String... anyOf) {
        for (String role : anyOf) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** A customer's administrator, bound to {@link #orgId()}. */
    public boolean isCustomer() {
        return Roles.anyCustomer(roles);
    }

    /** A customer principal of exactly this org. */
    public boolean isCustomerOf(String org) {
        return isCustomer() && orgId != null && orgId.equals(org);
    }

    public boolean inTeam(String team) {
        return team != null && teams.contains(team);
    }

    /** The role in which the principal leads the team, if it does: a team lead's, else a support manager's. */
    public Optional<String> teamRole(String team) {
        if (!inTeam(team)) {
            return Optional.empty();
        }
        return has(Roles.TEAM_LEAD) ? Optional.of(Roles.TEAM_LEAD)
                : has(Roles.SUPPORT_MANAGER) ? Optional.of(Roles.SUPPORT_MANAGER) : Optional.empty();
    }

    /** The role the principal acts in: its most specific one. */
    public String primaryRole() {
        return Roles.ALL.stream().filter(roles::contains).findFirst().orElse("unknown");
    }

    /** This principal as the actor of the events it causes, in its {@link #primaryRole()}. */
    public Actor actor() {
        return actingAs(primaryRole());
    }

    /**
     * This principal as the actor of the events it causes in {@code role}, the one of its roles it acts in: on the
     * customer's side if that role is a customer's, else on support's.
     */
    public Actor actingAs(String role) {
        return new Actor(id, displayName, Roles.CUSTOMER.contains(role) ? Actor.Kind.CUSTOMER : Actor.Kind.SUPPORT,
                role);
    }
}
