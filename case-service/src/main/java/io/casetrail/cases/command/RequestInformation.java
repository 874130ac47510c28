package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Ask the customer for more information; the case waits for them. */
public record RequestInformation(@TargetAggregateIdentifier String caseNumber, String messageId, String body,
                                 Caller caller) {
}
