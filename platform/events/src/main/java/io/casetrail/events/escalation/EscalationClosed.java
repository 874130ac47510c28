package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Support closed the resolved escalation, or Casetrail did ({@code actor} system) as its case closed: it is no longer
 * active on the case.
 */
@EventType("io.casetrail.escalation.closed.v1")
public record EscalationClosed(String escalationId, String orgId, String caseNumber, Actor actor)
        implements DomainEvent {
}
