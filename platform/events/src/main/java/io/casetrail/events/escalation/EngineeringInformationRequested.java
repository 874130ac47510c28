package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The engineer owning the escalation needs something from support: it waits for support's answer. */
@EventType("io.casetrail.escalation.information-requested.v1")
public record EngineeringInformationRequested(String escalationId, String orgId, String caseNumber, String question,
                                              Actor actor) implements DomainEvent {
}
