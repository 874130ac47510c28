package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Support asked the customer for more information (public). The case becomes {@code PENDING_CUSTOMER}. */
@EventType("io.casetrail.case.information-requested.v1")
public record InformationRequested(String caseNumber, String orgId, String messageId, String body, Actor actor)
        implements DomainEvent {
}
