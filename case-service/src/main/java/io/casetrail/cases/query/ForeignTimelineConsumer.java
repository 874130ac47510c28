package io.casetrail.cases.query;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * Puts the other contexts' events about a case (those with a {@code ce_caseid}) on its timeline, as they arrive:
 * support access, consented admin actions, escalation milestones. Escalation entries are internal; what support
 * did in the customer's org (access, admin actions, consent) the customer sees.
 */
@Singleton
public class ForeignTimelineConsumer implements CloudEventConsumer {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final TimelineStore timeline;
    private final Clock clock;

    public ForeignTimelineConsumer(TimelineStore timeline, Clock clock) {
        this.timeline = timeline;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "case-timeline";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ACCESS, Topics.ORG_ADMIN, Topics.ESCALATION);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        if (event.caseId() == null) {
            return;
        }
        String context = contextOf(event.type());
        String json = new String(event.data(), StandardCharsets.UTF_8);
        JsonNode actor = JSON.readTree(json).path("actor");
        String actorName = actor.path("displayName").asText(event.actor());
        String actorKind = actor.path("kind").isMissingNode() ? null : actor.path("kind").asText();
        TimelineEntry.Visibility visibility = "escalation".equals(context)
                ? TimelineEntry.Visibility.INTERNAL : TimelineEntry.Visibility.PUBLIC;
        timeline.append(new TimelineEntry(event.id(), event.time() == null ? clock.instant() : event.time(), context, event.type(), event.actor(), actorName,
                actorKind, visibility, summary(context, event.type(), actorName), json), event.caseId());
    }

    /** {@code io.casetrail.access.session-started.v1} → {@code access}. */
    static String contextOf(String type) {
        String[] parts = type.split("\\.");
        return parts.length >= 4 ? parts[2] : "other";
    }

    /** {@code access: session started (by Tom)}. */
    static String summary(String context, String type, String actorName) {
        String[] parts = type.split("\\.");
        String name = parts.length >= 4 ? parts[3].replace('-', ' ') : type;
        return context + ": " + name + (actorName == null || actorName.isBlank() ? "" : " (by " + actorName + ")");
    }
}
