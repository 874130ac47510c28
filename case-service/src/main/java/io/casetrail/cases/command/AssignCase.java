package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Assign (or reassign) the case to an engineer; team leads and support managers of the case's team. */
public record AssignCase(@TargetAggregateIdentifier String caseNumber, String assignee, Caller caller) {
}
