package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** An internal post by support. Never shown to a customer principal. */
@EventType("io.casetrail.case.internal-note-posted.v1")
public record InternalNotePosted(String caseNumber, String orgId, String noteId, String body, Actor actor)
        implements DomainEvent {
}
