package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.events.cases.Priority;
import io.casetrail.platform.security.Caller;

/** Change the case's priority; running SLA clocks are re-targeted. */
public record ChangePriority(@TargetAggregateIdentifier String caseNumber, Priority priority, String reason,
                             Caller caller) {
}
