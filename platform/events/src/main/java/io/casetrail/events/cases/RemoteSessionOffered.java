package io.casetrail.events.cases;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Support offered the customer a remote session (screen share) on the case (public). */
@EventType("io.casetrail.case.remote-session-offered.v1")
public record RemoteSessionOffered(String caseNumber, String orgId, String offerId, String joinUrl,
                                   Instant proposedStart, String note, Actor actor) implements DomainEvent {
}
