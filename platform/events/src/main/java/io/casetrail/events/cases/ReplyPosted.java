package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Public correspondence, visible to the customer. A customer's reply on a {@code PENDING_CUSTOMER} case moves it
 * back to {@code OPEN}.
 *
 * @param status the status after the reply
 */
@EventType("io.casetrail.case.reply-posted.v1")
public record ReplyPosted(String caseNumber, String orgId, String messageId, String body, CaseStatus status,
                          Actor actor) implements DomainEvent {
}
