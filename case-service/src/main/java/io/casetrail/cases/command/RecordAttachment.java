package io.casetrail.cases.command;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.platform.security.Caller;

/** Record an uploaded file (its content is already stored). */
public record RecordAttachment(@TargetAggregateIdentifier String caseNumber, String attachmentId, String fileName,
                               String contentType, long sizeBytes, String sha256, boolean internal, Caller caller) {
}
