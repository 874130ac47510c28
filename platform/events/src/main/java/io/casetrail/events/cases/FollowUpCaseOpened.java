package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A reopen request came more than 21 days after closure: the case stays closed and a new case was opened that
 * follows it up. Recorded on the original case; the new case's {@link CaseOpened#followUpOf()} links back.
 */
@EventType("io.casetrail.case.follow-up-opened.v1")
public record FollowUpCaseOpened(String caseNumber, String orgId, String followUpCaseNumber, String reason,
                                 Actor actor) implements DomainEvent {
}
