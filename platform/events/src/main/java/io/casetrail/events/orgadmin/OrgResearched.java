package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Support looked something up in the org, for a case it holds: {@code resource} is {@code users}, {@code groups}
 * or {@code applications}; {@code query} the search or the id asked for. Internal (the internal logs show it as a
 * {@code support.org.view} entry), never on the customer's timeline.
 */
@EventType("io.casetrail.orgadmin.org-researched.v1")
public record OrgResearched(String orgId, String caseNumber, String resource, String query, int results, Actor actor)
        implements DomainEvent {
}
