package io.casetrail.events.access;

import java.time.Instant;
import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * The org's Super Administrator granted support access: for one case ({@code caseNumber}), or org-wide
 * ({@code scope = ORG}, covering the org's open cases; {@code coveredCases} names those open at the time).
 * Read-only, until {@code expiresAt} (8 hours after the grant by default).
 */
@EventType("io.casetrail.access.granted.v1")
public record SupportAccessGranted(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   List<String> coveredCases, Instant expiresAt, RequestOrigin origin, Actor actor)
        implements DomainEvent {

    public SupportAccessGranted {
        coveredCases = coveredCases == null ? List.of() : List.copyOf(coveredCases);
    }
}
