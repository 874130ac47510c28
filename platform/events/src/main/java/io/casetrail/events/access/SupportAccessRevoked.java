package io.casetrail.events.access;

import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * The Super Administrator revoked a grant before it expired; its impersonation sessions end with it.
 * {@code coveredCases}: the cases the grant covers, as its grant named them (empty for an org-wide grant in
 * events recorded before they named them).
 */
@EventType("io.casetrail.access.revoked.v1")
public record SupportAccessRevoked(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   List<String> coveredCases, RequestOrigin origin, Actor actor)
        implements DomainEvent {
    public SupportAccessRevoked {
        coveredCases = coveredCases != null ? List.copyOf(coveredCases)
                : caseNumber != null ? List.of(caseNumber) : List.of();
    }
}
