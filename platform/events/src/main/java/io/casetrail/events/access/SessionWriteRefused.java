package io.casetrail.events.access;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * During an impersonation session (read-only) someone tried, with the session's token, to change the org's support
 * access (a grant, its extension or revocation, an API token); the request was refused. org-admin-service records
 * the same of the org itself ({@code io.casetrail.orgadmin.impersonation-write-refused.v1}).
 */
@EventType("io.casetrail.access.session-write-refused.v1")
public record SessionWriteRefused(String orgId, String caseNumber, String sessionId, String method, String path,
                                  Actor actor) implements DomainEvent {
}
