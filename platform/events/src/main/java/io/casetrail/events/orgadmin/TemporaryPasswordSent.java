package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * With consent, support set a generated temporary password for a user (expired, to be changed at next sign-in)
 * and e-mailed it to the user's primary and secondary address. The password is in the e-mails only: never in an
 * event, a log or an answer.
 *
 * @param recipients how many addresses it was sent to (primary, and secondary when the user has one)
 */
@EventType("io.casetrail.orgadmin.temporary-password-sent.v1")
public record TemporaryPasswordSent(String orgId, String caseNumber, String consentId, String userId,
                                    String userLogin, int recipients, Actor actor) implements DomainEvent {
}
