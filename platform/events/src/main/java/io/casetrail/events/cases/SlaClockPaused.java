package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The case waits for the customer; the running SLA clock stops with {@code remainingMillis} left. */
@EventType("io.casetrail.case.sla-clock-paused.v1")
public record SlaClockPaused(String caseNumber, String orgId, SlaTarget target, long remainingMillis, Actor actor)
        implements DomainEvent {
}
