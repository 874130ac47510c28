package io.casetrail.orgadmin.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.events.escalation.EscalationClosed;
import io.casetrail.events.escalation.EscalationManagerAssigned;
import io.casetrail.events.escalation.EscalationRaised;
import io.casetrail.events.escalation.EscalationRejected;
import io.casetrail.events.escalation.EscalationWithdrawn;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.kafka.CloudEventConsumer;
import io.casetrail.platform.store.Jdbc;

/**
 * The escalation managers of the cases' active escalations, from escalation-service's events
 * ({@code case_escalation_manager}): while one is assigned, that manager is the customer's intermediary on the case
 * (DOMAIN.md), and records the customer's verbal consent; support working the case does not. The latest assigned
 * counts, as on case-service.
 */
@Singleton
public class EscalationManagers implements CloudEventConsumer, Intermediaries {

    private static final Logger LOG = Logger.getLogger(EscalationManagers.class);
    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final String RAISED = EventCatalog.typeOf(EscalationRaised.class);
    private static final String ASSIGNED = EventCatalog.typeOf(EscalationManagerAssigned.class);
    private static final List<String> ENDED = List.of(EventCatalog.typeOf(EscalationRejected.class),
            EventCatalog.typeOf(EscalationClosed.class), EventCatalog.typeOf(EscalationWithdrawn.class));

    private final Jdbc jdbc;

    public EscalationManagers(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public String name() {
        return "escalation-managers";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ESCALATION);
    }

    @Override
    public Optional<String> escalationManagerOf(String caseNumber) {
        return jdbc.queryOne("SELECT e.manager_id FROM case_escalation_manager e WHERE e.case_number = ? AND e.active"
                + " AND e.manager_id IS NOT NULL ORDER BY " + Intermediaries.latestAssignedFirst("e") + " LIMIT 1",
                row -> row.getString(1), caseNumber);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        boolean raised = RAISED.equals(event.type());
        boolean assigned = ASSIGNED.equals(event.type());
        if (!raised && !assigned && !ENDED.contains(event.type())) {
            return;
        }
        // every escalation event names its escalation and case; only the manager's assignment adds to them
        JsonNode data = JSON.readTree(new String(event.data(), StandardCharsets.UTF_8));
        String escalationId = data.path("escalationId").asText(null);
        String caseNumber = data.path("caseNumber").asText(null);
        if (escalationId == null || caseNumber == null || escalationId.length() > 64 || caseNumber.length() > 16) {
            // a contract violation that no retry can mend: say so loudly and go on rather than stop the consumer
            LOG.errorf("Escalation event %s (%s) names no escalation and case this service can keep; ignored",
                    event.id(), event.type());
            return;
        }
        if (raised) {
            jdbc.update("INSERT INTO case_escalation_manager (escalation_id, case_number, active) VALUES (?, ?, TRUE)"
                    + " ON CONFLICT DO NOTHING", escalationId, caseNumber); // delivered again: as it was
        } else if (assigned) {
            Instant since = event.time() == null ? Instant.now() : event.time();
            JsonNode place = data.path("caseAssignment");
            jdbc.update("UPDATE case_escalation_manager SET manager_id = ?, manager_since = ?, case_assignment = ?"
                    + " WHERE escalation_id = ?", data.path("managerId").asText(null), since,
                    place.canConvertToLong() ? place.asLong() : null, escalationId);
        } else {
            jdbc.update("UPDATE case_escalation_manager SET active = FALSE WHERE escalation_id = ?", escalationId);
        }
    }
}
