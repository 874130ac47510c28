package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A platform operator loaded (or replaced) the copy of an org's identity-platform data that support researches:
 * how many of each kind it holds now.
 */
@EventType("io.casetrail.orgadmin.directory-imported.v1")
public record OrgDirectoryImported(String orgId, String importId, int users, int groups, int applications,
                                   int policies, int featureFlags, Actor actor) implements DomainEvent {
}
