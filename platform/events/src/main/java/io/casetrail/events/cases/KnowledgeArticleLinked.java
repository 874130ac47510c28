package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/** Support referenced a knowledge article on the case (public). */
@EventType("io.casetrail.case.knowledge-article-linked.v1")
public record KnowledgeArticleLinked(String caseNumber, String orgId, String articleId, String title, String url,
                                     Actor actor) implements DomainEvent {
}
