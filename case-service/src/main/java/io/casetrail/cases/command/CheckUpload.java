package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/**
 * May the caller upload a file to the case, as it stands? Asked before a byte of the file is read, so that a stranger
 * or a closed case is refused at once, and decided by the case itself: a case opened or assigned a moment ago is
 * there, whatever the case views have caught up with. Records nothing; {@link RecordAttachment} checks again.
 */
public record CheckUpload(@TargetAggregateIdentifier String caseNumber, boolean internal, Caller caller) {
}
