package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Engineering resolved the escalation; support closes it once it has taken the answer to the customer. */
@EventType("io.casetrail.escalation.resolved.v1")
public record EscalationResolved(String escalationId, String orgId, String caseNumber, String resolution,
                                 Actor actor) implements DomainEvent {
}
