package io.casetrail.cases.query;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventJson;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.Topics;
import io.casetrail.events.access.AccessEvents;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionWriteRefused;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.events.escalation.EscalationManagerAssigned;
import io.casetrail.events.orgadmin.AdminActionRefused;
import io.casetrail.events.orgadmin.ConsentExpired;
import io.casetrail.events.orgadmin.ConsentGiven;
import io.casetrail.events.orgadmin.ConsentWithdrawn;
import io.casetrail.events.orgadmin.FeatureFlagChanged;
import io.casetrail.events.orgadmin.ImpersonationWriteRefused;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.events.orgadmin.PasswordResetSent;
import io.casetrail.events.orgadmin.TemporaryPasswordSent;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * Puts the other contexts' events about a case (those with a {@code ce_caseid}, and org-wide support-access grants
 * on each case they cover) on its timeline, as they arrive: support access, consented admin actions, escalation
 * milestones. Deny by default: only the event types in
 * {@link #CUSTOMER_VISIBLE} are public (what support did in the customer's org); everything else is internal.
 * An event whose org is not the case's org never reaches the timeline.
 */
@Singleton
public class ForeignTimelineConsumer implements CloudEventConsumer {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final Logger LOG = Logger.getLogger(ForeignTimelineConsumer.class);

    /** The grant events, which an org-wide grant gives no one case: they name the cases it covers. */
    static final Set<String> GRANTS = Set.of(EventCatalog.typeOf(SupportAccessGranted.class),
            EventCatalog.typeOf(SupportAccessExtended.class), EventCatalog.typeOf(SupportAccessRevoked.class),
            EventCatalog.typeOf(SupportAccessExpired.class));

    /** The other contexts' event types a customer sees on its case timeline. */
    static final Set<String> CUSTOMER_VISIBLE = Set.of(
            EventCatalog.typeOf(SupportAccessGranted.class), EventCatalog.typeOf(SupportAccessExtended.class),
            EventCatalog.typeOf(SupportAccessRevoked.class), EventCatalog.typeOf(SupportAccessExpired.class),
            EventCatalog.typeOf(ImpersonationStarted.class), EventCatalog.typeOf(ImpersonationExtended.class),
            EventCatalog.typeOf(ImpersonationEnded.class), EventCatalog.typeOf(SessionWriteRefused.class),
            EventCatalog.typeOf(ConsentGiven.class), EventCatalog.typeOf(ConsentWithdrawn.class),
            EventCatalog.typeOf(ConsentExpired.class), EventCatalog.typeOf(PasswordResetSent.class),
            EventCatalog.typeOf(TemporaryPasswordSent.class), EventCatalog.typeOf(MfaFactorsReset.class),
            EventCatalog.typeOf(FeatureFlagChanged.class), EventCatalog.typeOf(AdminActionRefused.class),
            EventCatalog.typeOf(ImpersonationWriteRefused.class),
            EventCatalog.typeOf(EscalationManagerAssigned.class));

    private static final String MANAGER_ASSIGNED = EventCatalog.typeOf(EscalationManagerAssigned.class);

    private final TimelineStore timeline;
    private final Clock clock;
    private final CaseOrgs orgs;

    public ForeignTimelineConsumer(TimelineStore timeline, Clock clock, CaseOrgs orgs) {
        this.timeline = timeline;
        this.clock = clock;
        this.orgs = orgs;
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
        if (event.caseId() == null && !GRANTS.contains(event.type())) {
            return; // about no case
        }
        String json = new String(event.data(), StandardCharsets.UTF_8);
        JsonNode data = JSON.readTree(json);
        String context = contextOf(event.type());
        JsonNode actor = data.path("actor");
        String actorName = actor.path("displayName").asText(event.actor());
        String actorKind = actor.path("kind").isMissingNode() ? null : actor.path("kind").asText();
        TimelineEntry.Visibility visibility = CUSTOMER_VISIBLE.contains(event.type())
                ? TimelineEntry.Visibility.PUBLIC : TimelineEntry.Visibility.INTERNAL;
        Instant at = event.time() == null ? clock.instant() : event.time();
        for (String caseNumber : AccessEvents.casesOf(event, data)) {
            if (!orgs.isCaseOf(caseNumber, event.orgId())) {
                LOG.errorf("Event %s (%s from %s) names case %s of org %s, which is not a case of that org here;"
                        + " it stays off its timeline", event.id(), event.type(), event.source(), caseNumber,
                        event.orgId());
                continue;
            }
            // an event of several cases is an entry on each, with an id of its own there
            timeline.append(new TimelineEntry(AccessEvents.entryId(event, caseNumber), at, context, event.type(),
                    event.actor(), actorName, actorKind, visibility,
                    summary(context, event.type(), whom(event.type(), data), actorName), json), caseNumber);
        }
    }

    /** {@code io.casetrail.access.session-started.v1} → {@code access}. */
    static String contextOf(String type) {
        String[] parts = type.split("\\.");
        return parts.length >= 4 ? parts[2] : "other";
    }

    /**
     * Whom an entry is about, where the customer sees it without the event's data (TimelineEntry#forCustomer): the
     * escalation manager who is now the customer's intermediary.
     */
    private static String whom(String type, JsonNode data) {
        if (!MANAGER_ASSIGNED.equals(type)) {
            return null;
        }
        String name = data.path("managerName").asText("");
        return name.isBlank() ? data.path("managerId").asText(null) : name;
    }

    /** {@code access: session started (by Tom)}; {@code escalation: manager assigned: Eve (by Lu)}. */
    static String summary(String context, String type, String whom, String actorName) {
        String[] parts = type.split("\\.");
        String name = parts.length >= 4 ? parts[3].replace('-', ' ') : type;
        return context + ": " + name + (whom == null ? "" : ": " + whom)
                + (actorName == null || actorName.isBlank() ? "" : " (by " + actorName + ")");
    }
}
