package io.casetrail.events.cases;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An SLA target passed without the response it asks for. Raised when the deadline fires, also when it fell due
 * while case-service was down (then a little after {@code dueAt}).
 */
@EventType("io.casetrail.case.sla-breached.v1")
public record SlaBreached(String caseNumber, String orgId, SlaTarget target, Instant dueAt, Actor actor)
        implements DomainEvent {
}
