package io.casetrail.events.orgadmin;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A consent ended by itself: it reached its expiry (24 hours after it was given, by default), or its case closed
 * while it was live ({@code expiredAt}: when org-admin-service recorded the closure).
 */
@EventType("io.casetrail.orgadmin.consent-expired.v1")
public record ConsentExpired(String orgId, String caseNumber, String consentId, Instant expiredAt, Actor actor)
        implements DomainEvent {
}
