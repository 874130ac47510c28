package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Support consulted a lead, a manager, customer success or the account team about the case (internal). */
@EventType("io.casetrail.case.consultation-recorded.v1")
public record ConsultationRecorded(String caseNumber, String orgId, String consultationId, ConsultationParty party,
                                   String consultant, String notes, Actor actor) implements DomainEvent {
}
