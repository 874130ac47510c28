package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** An engineer takes a NEW case from its team's unassigned queue. */
public record TakeCase(@TargetAggregateIdentifier String caseNumber, Caller caller) {
}
