package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An escalation manager owns the escalation: while it is active the manager, not the engineer working the case,
 * is the customer's intermediary.
 */
@EventType("io.casetrail.escalation.manager-assigned.v1")
public record EscalationManagerAssigned(String escalationId, String orgId, String caseNumber, String managerId,
                                        String managerName, Actor actor) implements DomainEvent {
}
