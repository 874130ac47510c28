package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** The customer rejects the proposed resolution; the case is worked again. */
public record RejectResolution(@TargetAggregateIdentifier String caseNumber, String reason, Caller caller) {
}
