package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The case closed: confirmed by the customer, or closed automatically. */
@EventType("io.casetrail.case.closed.v1")
public record CaseClosed(String caseNumber, String orgId, CloseReason reason, Actor actor) implements DomainEvent {
}
