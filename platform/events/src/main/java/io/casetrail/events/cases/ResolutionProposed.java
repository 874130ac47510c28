package io.casetrail.events.cases;

import java.time.Instant;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * Support proposed a solution. The case becomes {@code RESOLVED_PENDING_CONFIRMATION}; unanswered, it closes
 * itself at {@code autoCloseAt}.
 *
 * @param knowledgeArticleId the knowledge article that resolves the case, if any
 */
@EventType("io.casetrail.case.resolution-proposed.v1")
public record ResolutionProposed(String caseNumber, String orgId, String summary, String knowledgeArticleId,
                                 Instant autoCloseAt, Actor actor) implements DomainEvent {
}
