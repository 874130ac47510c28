package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * The SLA clock stopped: the target was met by a public response ({@code met}), or the case left support's hands
 * (resolution proposed, closed).
 */
@EventType("io.casetrail.case.sla-clock-stopped.v1")
public record SlaClockStopped(String caseNumber, String orgId, SlaTarget target, boolean met, Actor actor)
        implements DomainEvent {
}
