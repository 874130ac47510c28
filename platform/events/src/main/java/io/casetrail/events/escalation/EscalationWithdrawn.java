package io.casetrail.events.escalation;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * The escalation was withdrawn before Engineering finished it: by support working the case or the escalation's
 * manager (no longer needed, with the reason), or by Casetrail when the case closed before Engineering took the
 * escalation ({@code actor} {@link Actor#SYSTEM}). It no longer counts on the case.
 *
 * @param status the status it was withdrawn from (e.g. {@code AWAITING_APPROVAL}, {@code ACCEPTED})
 */
@EventType("io.casetrail.escalation.withdrawn.v1")
public record EscalationWithdrawn(String escalationId, String orgId, String caseNumber, String status,
                                  String reason, Actor actor) implements DomainEvent {
}
