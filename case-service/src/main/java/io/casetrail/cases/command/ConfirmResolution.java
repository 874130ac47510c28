package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** The customer confirms the proposed resolution; the case closes. */
public record ConfirmResolution(@TargetAggregateIdentifier String caseNumber, Caller caller) {
}
