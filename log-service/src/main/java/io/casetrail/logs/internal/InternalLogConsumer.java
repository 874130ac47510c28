package io.casetrail.logs.internal;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.Topics;
import io.casetrail.platform.logging.RequestLogs;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * Everything lands in the internal log: every domain event of every topic, and the request logs the services
 * publish on {@code casetrail.log.v1}, each appended to the hash chain once.
 */
@Singleton
public class InternalLogConsumer implements CloudEventConsumer {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MESSAGE_LIMIT = 2000;

    private final InternalLog log;
    private final Clock clock;

    public InternalLogConsumer(InternalLog log, Clock clock) {
        this.log = log;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "internal-log";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.CASE, Topics.ORG_ADMIN, Topics.ACCESS, Topics.ESCALATION, Topics.LOG);
    }

    /**
     * Every type: an entry keeps an event's envelope and JSON as they are, whatever its type, so a type this version
     * does not know yet waits for nothing here.
     */
    @Override
    public boolean understands(String type) {
        return true;
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        String value = new String(event.data(), StandardCharsets.UTF_8);
        JsonNode data;
        try {
            data = JSON.readTree(value);
        } catch (JsonProcessingException notJson) {
            data = null;
        }
        if (data == null || data.isMissingNode()) {
            // kept as it came: the internal log holds every record of the topics, also one no service can read (the
            // other consumers pass over it), so that what was on them is there to see
            data = TextNode.valueOf(value);
        }
        if (RequestLogs.TYPE.equals(event.type()) && data.isObject()) {
            log.append(new InternalLog.NewEntry(event.id(), time(event), InternalLogEntry.REQUEST,
                    text(data, "orgId"), text(data, "caseNumber"), text(data, "requestId"), event.type(),
                    data.path("level").asText("INFO"), event.source(), event.actor(),
                    cut(data.path("message").asText("")), HashChain.sortedJson(data.path("attributes").isObject()
                    ? data.path("attributes") : JsonNodeFactory.instance.objectNode())));
            return;
        }
        ObjectNode attributes = JsonNodeFactory.instance.objectNode();
        attributes.put("subject", event.subject());
        if (event.sequence() != null) {
            attributes.put("sequence", event.sequence());
        }
        attributes.put("correlationId", event.correlationId());
        attributes.set("data", data);
        String actorName = data.path("actor").path("displayName").asText(event.actor());
        log.append(new InternalLog.NewEntry(event.id(), time(event), InternalLogEntry.EVENT, event.orgId(),
                event.caseId(), event.correlationId(), event.type(), "INFO", event.source(), event.actor(),
                cut(event.type() + " on " + event.subject() + (actorName == null ? "" : " by " + actorName)),
                HashChain.sortedJson(attributes)));
    }

    private java.time.Instant time(CloudEvent event) {
        return event.time() == null ? clock.instant() : event.time();
    }

    private static String text(JsonNode data, String field) {
        JsonNode value = data.path(field);
        return value.isTextual() && !value.asText().isBlank() ? value.asText() : null;
    }

    private static String cut(String message) {
        if (message.length() <= MESSAGE_LIMIT) {
            return message;
        }
        int end = MESSAGE_LIMIT - 1;
        // never inside a surrogate pair
        return message.substring(0, Character.isLowSurrogate(message.charAt(end)) ? end - 1 : end) + "…";
    }
}
