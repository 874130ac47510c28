package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The engineer owning the escalation posted progress. */
@EventType("io.casetrail.escalation.update-posted.v1")
public record EngineeringUpdatePosted(String escalationId, String orgId, String caseNumber, String body,
                                      Actor actor) implements DomainEvent {
}
