package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** With consent, support reset a user's password: the user is in recovery and got a reset link by e-mail. */
@EventType("io.casetrail.orgadmin.password-reset-sent.v1")
public record PasswordResetSent(String orgId, String caseNumber, String consentId, String userId, String userLogin,
                                Actor actor) implements DomainEvent {
}
