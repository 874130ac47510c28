package io.casetrail.events.cases;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventType;

/**
 * A file was uploaded to the case. The content is stored by case-service; the event carries its metadata.
 *
 * @param sha256   hex SHA-256 of the content
 * @param internal {@code true} for files support keeps from the customer
 * @param status   the status after the upload: a customer's file on a {@code PENDING_CUSTOMER} case answers it, as
 *                 a reply does, and moves it back to {@code OPEN}; absent (unchanged) in events before 2026-11-29
 */
@EventType("io.casetrail.case.attachment-added.v1")
public record AttachmentAdded(String caseNumber, String orgId, String attachmentId, String fileName,
                              String contentType, long sizeBytes, String sha256, boolean internal, CaseStatus status,
                              Actor actor) implements DomainEvent {
}
