package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** An internal post by support; never shown to the customer. */
public record PostInternalNote(@TargetAggregateIdentifier String caseNumber, String noteId, String body,
                               Caller caller) {
}
