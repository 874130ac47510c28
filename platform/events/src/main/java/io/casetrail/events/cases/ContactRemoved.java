package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An admin is no longer a contact of the case. The opener always stays. */
@EventType("io.casetrail.case.contact-removed.v1")
public record ContactRemoved(String caseNumber, String orgId, String contactId, Actor actor) implements DomainEvent {
}
