package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Propose a solution; the customer confirms or rejects it. */
public record ProposeResolution(@TargetAggregateIdentifier String caseNumber, String summary,
                                String knowledgeArticleId, Caller caller) {
}
