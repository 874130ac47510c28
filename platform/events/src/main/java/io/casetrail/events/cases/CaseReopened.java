package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** A closed case was reopened within 21 days of its closure. It becomes {@code OPEN} with its assignee. */
@EventType("io.casetrail.case.reopened.v1")
public record CaseReopened(String caseNumber, String orgId, String reason, Actor actor) implements DomainEvent {
}
