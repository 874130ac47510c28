package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** The customer withdrew a consent before it expired; no action may use it any more. */
@EventType("io.casetrail.orgadmin.consent-withdrawn.v1")
public record ConsentWithdrawn(String orgId, String caseNumber, String consentId, Actor actor) implements DomainEvent {
}
