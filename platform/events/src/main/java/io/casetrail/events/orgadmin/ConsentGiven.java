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
 *
 * @param caseSequence the case's sequence number of the latest event that gave it its status or assignee as the
 *                     consent was given (absent in events before 2026-12-01): a later closure of the case ends the
 *                     consent, an earlier one delivered again (a rebuild of the known cases) does not
 */
@EventType("io.casetrail.orgadmin.consent-given.v1")
public record ConsentGiven(String orgId, String caseNumber, String consentId, String givenBy, ConsentChannel channel,
                           Instant givenAt, List<ActionKind> actionKinds, List<String> targetUserIds,
                           List<String> featureFlags, Instant expiresAt, Actor actor, Long caseSequence)
        implements DomainEvent {

    public ConsentGiven {
        actionKinds = actionKinds == null ? List.of() : List.copyOf(actionKinds);
        targetUserIds = targetUserIds == null ? List.of() : List.copyOf(targetUserIds);
        featureFlags = featureFlags == null ? List.of() : List.copyOf(featureFlags);
    }

    /** Given at no known place among the case's events (as recorded before the field existed). */
    public ConsentGiven(String orgId, String caseNumber, String consentId, String givenBy, ConsentChannel channel,
                        Instant givenAt, List<ActionKind> actionKinds, List<String> targetUserIds,
                        List<String> featureFlags, Instant expiresAt, Actor actor) {
        this(orgId, caseNumber, consentId, givenBy, channel, givenAt, actionKinds, targetUserIds, featureFlags,
                expiresAt, actor, null);
    }
}
