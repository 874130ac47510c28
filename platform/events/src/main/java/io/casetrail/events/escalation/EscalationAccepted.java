package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An engineer accepted the approved escalation and owns it from now on. */
@EventType("io.casetrail.escalation.accepted.v1")
public record EscalationAccepted(String escalationId, String orgId, String caseNumber, Actor actor)
        implements DomainEvent {
}
