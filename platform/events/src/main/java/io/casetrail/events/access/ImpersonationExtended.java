package io.casetrail.events.access;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A running impersonation session whose end was its grant's expiry goes on for longer, because the Super
 * Administrator extended the grant ({@code actor}). It now ends at {@code endsAt} at the latest: the maximum session
 * length from its start, or the grant's new expiry if earlier.
 */
@EventType("io.casetrail.access.session-extended.v1")
public record ImpersonationExtended(String orgId, String sessionId, String caseNumber, String grantId,
                                    Instant endsAt, Actor actor) implements DomainEvent {
}
