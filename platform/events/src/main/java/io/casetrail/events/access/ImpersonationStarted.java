package io.casetrail.events.access;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * Support working the case (its assigned engineer, or a lead or manager of its team) started a read-only
 * impersonation session inside an active grant. It ends at {@code endsAt} at the latest (the maximum session length, or the grant's expiry if earlier), unless an
 * {@link ImpersonationExtended} moves that end when the grant is extended.
 *
 * @param caseSequence the case's sequence number of the latest event that gave it its status or assignee as the
 *                     session started (absent in events before 2026-11-29): a later closure or reassignment of the
 *                     case ends the session, an earlier one delivered again does not
 */
@EventType("io.casetrail.access.session-started.v1")
public record ImpersonationStarted(String orgId, String sessionId, String caseNumber, String grantId,
                                   Instant endsAt, Long caseSequence, RequestOrigin origin, Actor actor)
        implements DomainEvent {
}
