package io.casetrail.cases.query;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.cases.CaseOpened;

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

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final String OPENED = EventCatalog.typeOf(CaseOpened.class);

    /**
     * The entry as a customer principal gets it: another context's payload stays with support, and so does the
     * support team a case was routed to (the case as a customer reads it has no team either).
     */
    public TimelineEntry forCustomer() {
        if (!"case".equals(source)) {
            return new TimelineEntry(id, occurredAt, source, type, actorId, actorName, actorKind, visibility, summary,
                    null);
        }
        if (OPENED.equals(type) && data != null) {
            try {
                ObjectNode payload = (ObjectNode) JSON.readTree(data);
                payload.remove("team");
                return new TimelineEntry(id, occurredAt, source, type, actorId, actorName, actorKind, visibility,
                        summary, JSON.writeValueAsString(payload));
            } catch (JsonProcessingException | ClassCastException e) {
                return new TimelineEntry(id, occurredAt, source, type, actorId, actorName, actorKind, visibility,
                        summary, null);
            }
        }
        return this;
    }

    /** Who may see an entry. */
    public enum Visibility { PUBLIC, INTERNAL }
}
