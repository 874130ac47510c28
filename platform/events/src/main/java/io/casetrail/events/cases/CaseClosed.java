package io.casetrail.events.cases;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * The case closed: confirmed by the customer, or closed automatically. {@code closedAt} is when a case closed
 * automatically counts as closed, its auto-close time, however late the deadline fired or the answer that found it
 * due came (the reopen window counts from it); null for a confirmation, whose event's time is its closure, and on
 * events recorded before the field existed.
 */
@EventType("io.casetrail.case.closed.v1")
public record CaseClosed(String caseNumber, String orgId, CloseReason reason, Actor actor, Instant closedAt)
        implements DomainEvent {

    /** Closed now (a confirmation). */
    public CaseClosed(String caseNumber, String orgId, CloseReason reason, Actor actor) {
        this(caseNumber, orgId, reason, actor, null);
    }
}
