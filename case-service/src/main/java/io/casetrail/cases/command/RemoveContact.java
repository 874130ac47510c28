package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Remove an associated admin (never the opener). */
public record RemoveContact(@TargetAggregateIdentifier String caseNumber, String contactId, Caller caller) {
}
