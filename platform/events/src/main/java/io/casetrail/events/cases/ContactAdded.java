package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An admin of the org was associated with the case as a contact. */
@EventType("io.casetrail.case.contact-added.v1")
public record ContactAdded(String caseNumber, String orgId, String contactId, Actor actor) implements DomainEvent {
}
