package io.casetrail.events.orgadmin;

import java.time.Instant;
import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An admin of the case's org (its opener or one of its contacts) consented to administrative actions on the case:
 * in writing through the API ({@code channel = API}, {@code actor} is the admin) or verbally, recorded by the
 * engineer ({@code actor} is the engineer, {@code givenBy} the admin, {@code givenAt} when they said it). Scoped to
 * the case, the action kinds and, when given, the target users and feature flags; ends at {@code expiresAt}.
 */
@EventType("io.casetrail.orgadmin.consent-given.v1")
public record ConsentGiven(String orgId, String caseNumber, String consentId, String givenBy, ConsentChannel channel,
                           Instant givenAt, List<ActionKind> actionKinds, List<String> targetUserIds,
                           List<String> featureFlags, Instant expiresAt, Actor actor) implements DomainEvent {

    public ConsentGiven {
        actionKinds = actionKinds == null ? List.of() : List.copyOf(actionKinds);
        targetUserIds = targetUserIds == null ? List.of() : List.copyOf(targetUserIds);
        featureFlags = featureFlags == null ? List.of() : List.copyOf(featureFlags);
    }
}
