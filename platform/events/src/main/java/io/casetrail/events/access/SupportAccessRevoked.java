package io.casetrail.events.access;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/** The Super Administrator revoked a grant before it expired; its impersonation sessions end with it. */
@EventType("io.casetrail.access.revoked.v1")
public record SupportAccessRevoked(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   RequestOrigin origin, Actor actor) implements DomainEvent {
}
