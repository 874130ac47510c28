package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An approver rejected the escalation at a step: the request ends, with the reason. */
@EventType("io.casetrail.escalation.rejected.v1")
public record EscalationRejected(String escalationId, String orgId, String caseNumber, int step, String stepName,
                                 String reason, Actor actor) implements DomainEvent {
}
