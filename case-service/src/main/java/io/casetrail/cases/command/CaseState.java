package io.casetrail.cases.command;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.Priority;

/**
 * A case right after a command: what the command's answer tells the client without waiting for the read models.
 *
 * @param itemId       the id of what the command created on the case (a reply, a note, an attachment...)
 * @param followUpCase the follow-up case a late reopen request opened
 * @param version      the case's version (sequence of its last event)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CaseState(String caseNumber, CaseStatus status, Priority priority, String assignee,
                        String followUpCase, String itemId, long version) {
}
