package io.casetrail.events.orgadmin;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** During an impersonation session (read-only) someone tried to change the org; the request was refused. */
@EventType("io.casetrail.orgadmin.impersonation-write-refused.v1")
public record ImpersonationWriteRefused(String orgId, String caseNumber, String sessionId, String method,
                                        String path, Actor actor) implements DomainEvent {
}
