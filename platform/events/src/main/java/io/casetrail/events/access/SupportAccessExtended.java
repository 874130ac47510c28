package io.casetrail.events.access;

import java.time.Instant;
import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * The Super Administrator extended a grant: 24 hours added to the time it had left.
 * {@code coveredCases}: the cases the grant covers, as its grant named them (empty for an org-wide grant in
 * events recorded before they named them).
 */
@EventType("io.casetrail.access.extended.v1")
public record SupportAccessExtended(String orgId, String grantId, GrantScope scope, String caseNumber,
                                    List<String> coveredCases, Instant expiresAt, RequestOrigin origin, Actor actor)
        implements DomainEvent {
    public SupportAccessExtended {
        coveredCases = coveredCases != null ? List.copyOf(coveredCases)
                : caseNumber != null ? List.of(caseNumber) : List.of();
    }
}
