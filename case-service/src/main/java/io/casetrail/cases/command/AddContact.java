package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Associate another admin of the org with the case. */
public record AddContact(@TargetAggregateIdentifier String caseNumber, String contactId, Caller caller) {
}
