package io.casetrail.events.access;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** A grant reached its expiry (raised by a persisted deadline, also after downtime); its sessions end with it. */
@EventType("io.casetrail.access.expired.v1")
public record SupportAccessExpired(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   Instant expiredAt, Actor actor) implements DomainEvent {
}
