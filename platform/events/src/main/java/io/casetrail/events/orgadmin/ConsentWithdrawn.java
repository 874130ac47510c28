package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A consent was withdrawn before it expired, by an admin of the org or by support working the case ({@code actor}
 * says who); no action may use it any more.
 */
@EventType("io.casetrail.orgadmin.consent-withdrawn.v1")
public record ConsentWithdrawn(String orgId, String caseNumber, String consentId, Actor actor) implements DomainEvent {
}
