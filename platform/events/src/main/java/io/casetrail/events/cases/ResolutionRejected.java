package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The customer rejected the proposed resolution. The case goes back to {@code OPEN}. */
@EventType("io.casetrail.case.resolution-rejected.v1")
public record ResolutionRejected(String caseNumber, String orgId, String reason, Actor actor) implements DomainEvent {
}
