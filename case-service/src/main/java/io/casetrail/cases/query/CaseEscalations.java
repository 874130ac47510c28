package io.casetrail.cases.query;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
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
 * Follows escalation-service's events ({@code case_escalation}) so that a case shows whether it is escalated and
 * who the customer's intermediary is: the escalation manager of an active escalation (the latest assigned), else
 * the assignee. The case's command handlers ask it who may write to the customer.
 */
@Singleton
public class CaseEscalations implements CloudEventConsumer, Intermediaries {

    /** The escalation manager of the case {@code %s} names (a column or a parameter), as a scalar subquery. */
    static final String MANAGER_OF = "SELECT e.manager_id FROM case_escalation e WHERE e.case_number = %s"
            + " AND e.active AND e.manager_id IS NOT NULL ORDER BY "
            + Intermediaries.latestAssignedFirst("e") + " LIMIT 1";

    /**
     * The cases whose escalation manager (as {@link #MANAGER_OF}: the latest assigned of an active escalation) is
     * the one parameter; by manager, so that a manager's list does not look at every case.
     */
    static final String MANAGED_BY = "SELECT e.case_number FROM case_escalation e WHERE e.manager_id = ?"
            + " AND e.active AND NOT EXISTS (SELECT 1 FROM case_escalation l WHERE l.case_number = e.case_number"
            + " AND l.active AND l.manager_id IS NOT NULL AND " + Intermediaries.assignedAfter("l", "e") + ")";

    private static final Logger LOG = Logger.getLogger(CaseEscalations.class);
    private static final ObjectMapper JSON = EventJson.newMapper();

    private final Jdbc jdbc;
    private final CaseOrgs orgs;

    public CaseEscalations(Jdbc jdbc, CaseOrgs orgs) {
        this.jdbc = jdbc;
        this.orgs = orgs;
    }

    @Override
    public String name() {
        return "case-escalations";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ESCALATION);
    }

    @Override
    public Optional<String> escalationManagerOf(String caseNumber) {
        return jdbc.queryOne(MANAGER_OF.formatted("?"), row -> row.getString(1), caseNumber);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        Optional<Class<? extends DomainEvent>> type = EventCatalog.payloadClass(event.type());
        if (type.isEmpty() || event.caseId() == null) {
            return;
        }
        if (!orgs.isCaseOf(event.caseId(), event.orgId())) {
            LOG.errorf("Escalation event %s names case %s of org %s, which is not a case of that org here; ignored",
                    event.id(), event.caseId(), event.orgId());
            return;
        }
        DomainEvent payload = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8), type.get());
        if (escalationId(payload) == null) {
            // a contract violation that no retry can mend: say so loudly and go on rather than stop the consumer
            LOG.errorf("Escalation event %s (%s) carries no escalationId; ignored", event.id(), event.type());
            return;
        }
        if (payload.caseNumber() != null && !payload.caseNumber().equals(event.caseId())) {
            // the org was checked for the header's case: the body's other case is no case of that check
            LOG.errorf("Escalation event %s (%s) names case %s in its header and %s in its body; ignored",
                    event.id(), event.type(), event.caseId(), payload.caseNumber());
            return;
        }
        // every write is the checked case's: an escalation id of another case changes nothing
        String caseNumber = event.caseId();
        if (payload instanceof EscalationRaised raised) {
            jdbc.update("INSERT INTO case_escalation (escalation_id, case_number, active) VALUES (?, ?, TRUE)"
                    + " ON CONFLICT DO NOTHING", // delivered again past consumed_event: as it was
                    raised.escalationId(), caseNumber);
        } else if (payload instanceof EscalationManagerAssigned assigned) {
            jdbc.update("UPDATE case_escalation SET manager_id = ?, manager_name = ?, manager_since = ?,"
                    + " case_assignment = ? WHERE escalation_id = ? AND case_number = ?", assigned.managerId(),
                    assigned.managerName(), event.time() == null ? Instant.now() : event.time(),
                    assigned.caseAssignment(), assigned.escalationId(), caseNumber);
        } else if (payload instanceof EscalationRejected rejected) {
            end(rejected.escalationId(), caseNumber);
        } else if (payload instanceof EscalationClosed closed) {
            end(closed.escalationId(), caseNumber);
        } else if (payload instanceof EscalationWithdrawn withdrawn) {
            end(withdrawn.escalationId(), caseNumber);
        }
    }

    private static String escalationId(DomainEvent payload) {
        if (payload instanceof EscalationRaised e) {
            return e.escalationId();
        }
        if (payload instanceof EscalationManagerAssigned e) {
            return e.escalationId();
        }
        if (payload instanceof EscalationRejected e) {
            return e.escalationId();
        }
        if (payload instanceof EscalationClosed e) {
            return e.escalationId();
        }
        if (payload instanceof EscalationWithdrawn e) {
            return e.escalationId();
        }
        return "";
    }

    private void end(String escalationId, String caseNumber) {
        jdbc.update("UPDATE case_escalation SET active = FALSE WHERE escalation_id = ? AND case_number = ?",
                escalationId, caseNumber);
    }
}
