package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Support (or the escalation manager) answered Engineering's question: the escalation is back with the engineer. */
@EventType("io.casetrail.escalation.information-provided.v1")
public record EngineeringInformationProvided(String escalationId, String orgId, String caseNumber, String answer,
                                             Actor actor) implements DomainEvent {
}
