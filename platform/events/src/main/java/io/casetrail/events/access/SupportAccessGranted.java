package io.casetrail.events.access;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;
import io.casetrail.events.RequestOrigin;

/**
 * The org's Super Administrator granted support access: for one case ({@code caseNumber}), or org-wide
 * ({@code scope = ORG}, covering the org's open cases; {@code coveredCases} names those open at the time).
 * Read-only, until {@code expiresAt} (8 hours after the grant by default). {@code caseSequences}: by covered case, the
 * case's sequence number of the latest event that gave it its status as support-access-service knew it when the
 * grant was given (absent in events before 2026-12-01; a case known without one has none): the grant covers the case
 * while it has not been reopened since, and only a closure after that ends it.
 */
@EventType("io.casetrail.access.granted.v1")
public record SupportAccessGranted(String orgId, String grantId, GrantScope scope, String caseNumber,
                                   List<String> coveredCases, Map<String, Long> caseSequences, Instant expiresAt,
                                   RequestOrigin origin, Actor actor)
        implements DomainEvent {

    public SupportAccessGranted {
        coveredCases = coveredCases == null ? List.of() : List.copyOf(coveredCases);
        caseSequences = caseSequences == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(caseSequences));
    }

    /** A grant that records no case sequences (as events before 2026-12-01). */
    public SupportAccessGranted(String orgId, String grantId, GrantScope scope, String caseNumber,
                                List<String> coveredCases, Instant expiresAt, RequestOrigin origin, Actor actor) {
        this(orgId, grantId, scope, caseNumber, coveredCases, null, expiresAt, origin, actor);
    }
}
