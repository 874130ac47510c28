package io.casetrail.cases.query;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * One entry of a case's timeline.
 *
 * @param id         the event's id (CloudEvent {@code ce_id})
 * @param source     the context it comes from: {@code case}, {@code access}, {@code orgadmin}, {@code escalation}
 * @param type       the event's CloudEvents type
 * @param visibility {@code PUBLIC} (shown to the customer) or {@code INTERNAL}
 * @param data       the event payload as published
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineEntry(String id, Instant occurredAt, String source, String type, String actorId,
                            String actorName, String actorKind, Visibility visibility, String summary,
                            @JsonRawValue String data) {

    /** The entry as a customer principal gets it: another context's payload stays with support. */
    public TimelineEntry forCustomer() {
        return "case".equals(source) ? this : new TimelineEntry(id, occurredAt, source, type, actorId, actorName,
                actorKind, visibility, summary, null);
    }

    /** Who may see an entry. */
    public enum Visibility { PUBLIC, INTERNAL }
}
