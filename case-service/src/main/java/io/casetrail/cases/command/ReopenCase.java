package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Reopen a closed case (within 21 days of closure; later a follow-up case is opened). */
public record ReopenCase(@TargetAggregateIdentifier String caseNumber, String reason, Caller caller) {
}
