package io.casetrail.events.access;

import java.time.Instant;
import java.util.List;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A grant reached its expiry (raised by a persisted deadline, also after downtime); its sessions end with it.
 * {@code coveredCases}: the cases the grant covers, as its grant named them (empty for an org-wide grant in
 * events recorded before they named them).
 */
@EventType("io.casetrail.access.expired.v1")
public record SupportAccessExpired(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   List<String> coveredCases, Instant expiredAt, Actor actor) implements DomainEvent {
    public SupportAccessExpired {
        coveredCases = coveredCases != null ? List.copyOf(coveredCases)
                : caseNumber != null ? List.of(caseNumber) : List.of();
    }
}
