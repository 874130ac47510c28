package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Reference a knowledge article on the case. */
public record LinkKnowledgeArticle(@TargetAggregateIdentifier String caseNumber, String articleId, String title,
                                   String url, Caller caller) {
}
