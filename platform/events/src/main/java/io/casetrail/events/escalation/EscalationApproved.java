package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The last step of the chain is complete: the escalation is on the Engineering board. */
@EventType("io.casetrail.escalation.approved.v1")
public record EscalationApproved(String escalationId, String orgId, String caseNumber, String requestType,
                                 Actor actor) implements DomainEvent {
}
