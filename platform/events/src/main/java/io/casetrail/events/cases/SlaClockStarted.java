package io.casetrail.events.cases;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * An SLA target's clock runs and is breached at {@code dueAt}: on opening, after a first response, after each
 * public update, when a paused clock resumes and when a priority change re-targets it.
 */
@EventType("io.casetrail.case.sla-clock-started.v1")
public record SlaClockStarted(String caseNumber, String orgId, SlaTarget target, Instant dueAt, Actor actor)
        implements DomainEvent {
}
