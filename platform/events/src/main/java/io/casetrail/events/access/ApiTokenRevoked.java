package io.casetrail.events.access;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An org API token was revoked; every service refuses it from then on. */
@EventType("io.casetrail.access.api-token-revoked.v1")
public record ApiTokenRevoked(String orgId, String tokenId, Actor actor) implements DomainEvent {
}
