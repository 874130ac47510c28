package io.casetrail.events;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Who caused an event: a customer's administrator, a member of support (any vendor role) or the
 * system itself (timers, automatic transitions).
 *
 * @param id          stable id of the principal (JWT {@code sub}); {@code system} for the system
 * @param displayName human-readable name, for timelines and logs
 * @param kind        which side the principal is on
 * @param role        the role the principal acted in ({@code org-admin}, {@code support-engineer}, ...)
 */
public record Actor(String id, String displayName, Kind kind, String role) {

    /** The side a principal is on. */
    public enum Kind { CUSTOMER, SUPPORT, SYSTEM }

    /** The actor of everything the system does by itself. */
    public static final Actor SYSTEM = new Actor("system", "Casetrail", Kind.SYSTEM, "system");

    public Actor {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
    }

    @JsonIgnore
    public boolean isCustomer() {
        return kind == Kind.CUSTOMER;
    }
}
