package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Public correspondence, from the customer or from support. */
public record PostReply(@TargetAggregateIdentifier String caseNumber, String messageId, String body, Caller caller) {
}
