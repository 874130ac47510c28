package io.casetrail.events.access;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * An impersonation session ended. {@code engineer} is the principal who impersonated; {@code actor} who ended it
 * (the engineer, the Super Administrator revoking the grant, or the system).
 */
@EventType("io.casetrail.access.session-ended.v1")
public record ImpersonationEnded(String orgId, String sessionId, String caseNumber, String engineer,
                                 SessionEndReason reason, RequestOrigin origin, Actor actor) implements DomainEvent {
}
