package io.casetrail.escalations.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.StorableText;
import io.casetrail.events.Topics;
import io.casetrail.events.access.AccessEvents;
import io.casetrail.events.escalation.TimelineExcerpt;
import io.casetrail.events.orgadmin.OrgResearched;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.kafka.CloudEventConsumer;
import io.casetrail.platform.store.Jdbc;

/**
 * Every case's timeline as escalation-service keeps it ({@code case_digest}): what an escalation takes along when it
 * is raised, so that Engineering sees the case as support saw it then. The case's own events, and what the other
 * services did on it (consents, admin actions and their refusals, support access and impersonation), as the case's
 * timeline has them. Research lookups stay out: they change nothing, and a busy research session would push the
 * case's correspondence out of the entries taken along (the internal log keeps every lookup).
 */
@Singleton
public class CaseDigest implements CloudEventConsumer {

    /** The most entries an escalation takes along (the latest ones). */
    public static final int SNAPSHOT_LIMIT = 200;
    static final int TEXT_LIMIT = 500;
    /** The longest case number the digest keeps ({@code case_digest.case_number}). */
    private static final int CASE_NUMBER = 16;
    private static final List<String> TEXT_FIELDS = List.of("body", "summary", "reason", "notes", "subject",
            "fileName", "knowledgeArticleId");
    private static final ObjectMapper JSON = EventJson.newMapper();

    private static final Logger LOG = Logger.getLogger(CaseDigest.class);

    private final Jdbc jdbc;
    private final KnownCases cases;

    public CaseDigest(Jdbc jdbc, KnownCases cases) {
        this.jdbc = jdbc;
        this.cases = cases;
    }

    @Override
    public String name() {
        return "case-digest";
    }

    static final String RESEARCH = EventCatalog.typeOf(OrgResearched.class);

    @Override
    public Collection<String> topics() {
        return List.of(Topics.CASE, Topics.ORG_ADMIN, Topics.ACCESS);
    }

    /**
     * Every type: an entry keeps an event's type, actor and text as JSON has them, whatever its type, so a type of
     * another service this version does not know yet stops nothing here.
     */
    @Override
    public boolean understands(String type) {
        return true;
    }

    /**
     * An entry on the case the event names, or on each case an org-wide support-access grant event covers (as the
     * case's timeline has them), with an id of its own there. An event whose org is not the case's (as far as the
     * case is known here) stays off it, as off the case's timeline.
     */
    @Override
    public void apply(CloudEvent event) throws Exception {
        if (RESEARCH.equals(event.type())) {
            return;
        }
        JsonNode data = JSON.readTree(new String(event.data(), StandardCharsets.UTF_8));
        String actor = data.path("actor").path("displayName").asText(event.actor());
        for (String caseNumber : AccessEvents.casesOf(event, data)) {
            if (caseNumber.length() > CASE_NUMBER || caseNumber.indexOf('\u0000') >= 0) {
                // no case has such a number: an entry the database refused would stop the digest for good
                LOG.errorf("Event %s (%s from %s) names case %s, which no case number is; it stays off the digest",
                        event.id(), cut(event.type(), 255), event.source(), cut(caseNumber, 32));
                continue;
            }
            Optional<String> org = cases.find(caseNumber).map(KnownCases.KnownCase::orgId);
            if (org.isPresent() && !org.get().equals(event.orgId())) {
                LOG.errorf("Event %s (%s from %s) names case %s of org %s, not of the event's org %s; it stays off"
                        + " the case's digest", event.id(), event.type(), event.source(), caseNumber, org.get(),
                        event.orgId());
                continue;
            }
            // ON CONFLICT: delivered again past consumed_event (a consumer renamed, the digest replayed), as it was
            jdbc.update("INSERT INTO case_digest (event_id, case_number, seq, at, type, actor, text)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    AccessEvents.entryId(event, caseNumber), caseNumber,
                    event.sequence() == null ? 0L : event.sequence(),
                    event.time() == null ? Instant.EPOCH : event.time(), cut(event.type(), 255), cut(actor, 255),
                    text(data));
        }
    }

    private static String text(JsonNode data) {
        for (String field : TEXT_FIELDS) {
            String value = data.path(field).asText("");
            if (!value.isBlank()) {
                return cut(value, TEXT_LIMIT);
            }
        }
        return null;
    }

    /** A value of an event as the digest keeps it: at most {@code limit} characters, NUL mended. */
    private static String cut(String value, int limit) {
        return StorableText.of(value == null || value.length() <= limit ? value : value.substring(0, limit - 1)
                + "…");
    }

    /**
     * The case's latest entries, oldest first: by time, the case's own events of one instant in their order (the
     * sequence numbers of other services' events count within their own aggregates only).
     */
    public List<TimelineExcerpt> snapshot(String caseNumber) {
        List<TimelineExcerpt> latest = new ArrayList<>(jdbc.query("SELECT at, type, actor, text FROM case_digest"
                        + " WHERE case_number = ? ORDER BY at DESC, seq DESC LIMIT " + SNAPSHOT_LIMIT,
                row -> new TimelineExcerpt(Jdbc.instant(row, "at"), row.getString("type"), row.getString("actor"),
                        row.getString("text")), caseNumber));
        Collections.reverse(latest);
        return latest;
    }
}
