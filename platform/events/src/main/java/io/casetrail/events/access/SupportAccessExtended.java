package io.casetrail.events.access;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/** The Super Administrator extended a grant: 24 hours added to the time it had left. */
@EventType("io.casetrail.access.extended.v1")
public record SupportAccessExtended(String orgId, String grantId, GrantScope scope, String caseNumber,
                                    Instant expiresAt, RequestOrigin origin, Actor actor) implements DomainEvent {
}
