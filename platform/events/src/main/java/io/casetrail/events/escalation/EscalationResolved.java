package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Engineering resolved the escalation; support closes it once it has taken the answer to the customer.
 * {@code caseSequence}: the case's sequence number of the latest event that gave it its status, as escalation-service
 * knew it when the escalation was resolved (absent in events before 2026-12-01, and for a case known without it): a
 * closure of the case before that does not close it.
 */
@EventType("io.casetrail.escalation.resolved.v1")
public record EscalationResolved(String escalationId, String orgId, String caseNumber, String resolution,
                                 Long caseSequence, Actor actor) implements DomainEvent {
}
