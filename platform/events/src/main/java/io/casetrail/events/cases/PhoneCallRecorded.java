package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Support recorded a phone call with an admin of the case: public correspondence, visible to the customer, that
 * counts for the SLA as a reply of support does. When the admin gave on the call what a request for information
 * asked for ({@code customerAnswered}), a {@code PENDING_CUSTOMER} case is {@code OPEN} again.
 *
 * @param contactId        the admin spoken with: the one who opened the case or one of its contacts
 * @param summary          what was said, as the customer reads it on the case
 * @param customerAnswered whether the call answered the case's request for information
 * @param status           the status after the call
 */
@EventType("io.casetrail.case.phone-call-recorded.v1")
public record PhoneCallRecorded(String caseNumber, String orgId, String callId, String contactId, String summary,
                                boolean customerAnswered, CaseStatus status, Actor actor) implements DomainEvent {
}
