package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The case's priority changed; running SLA clocks are re-targeted (see {@link SlaClockStarted}). */
@EventType("io.casetrail.case.priority-changed.v1")
public record PriorityChanged(String caseNumber, String orgId, Priority from, Priority to, String reason,
                              Actor actor) implements DomainEvent {
}
