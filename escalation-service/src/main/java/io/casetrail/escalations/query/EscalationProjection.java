package io.casetrail.escalations.query;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.messaging.annotation.MessageIdentifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.escalations.command.EscalationStatus;
import io.casetrail.events.Actor;
import io.casetrail.events.EventJson;
import io.casetrail.events.escalation.EngineeringInformationProvided;
import io.casetrail.events.escalation.EngineeringInformationRequested;
import io.casetrail.events.escalation.EngineeringUpdatePosted;
import io.casetrail.events.escalation.EscalationAccepted;
import io.casetrail.events.escalation.EscalationApproved;
import io.casetrail.events.escalation.EscalationClosed;
import io.casetrail.events.escalation.EscalationManagerAssigned;
import io.casetrail.events.escalation.EscalationRaised;
import io.casetrail.events.escalation.EscalationRejected;
import io.casetrail.events.escalation.EscalationResolved;
import io.casetrail.events.escalation.EscalationStepApproved;
import io.casetrail.events.escalation.EscalationWithdrawn;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;

/**
 * Escalations as listed, boarded and shown ({@code escalation_view}), with their history ({@code escalation_entry}):
 * every approval, rejection, question, answer, update, resolution, withdrawal and manager.
 */
@Singleton
@ProcessingGroup("escalation-views")
public class EscalationProjection implements Projection {

    private static final ObjectMapper JSON = EventJson.newMapper();

    private final Jdbc jdbc;

    public EscalationProjection(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(EscalationRaised e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at)
            throws JsonProcessingException {
        jdbc.update("INSERT INTO escalation_view (escalation_id, case_number, org_id, team, request_type, summary,"
                        + " status, raised_by, raised_at, current_step, step_approvers, approvers, updated_at, chain,"
                        + " raised) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', '', ?, ?, ?)", e.escalationId(),
                e.caseNumber(), e.orgId(), e.team(), e.requestType(), e.summary(), EscalationStatus.AWAITING_APPROVAL,
                e.actor().id(), at, at, JSON.writeValueAsString(e.chain()), JSON.writeValueAsString(e));
        entry(id, e.escalationId(), seq, at, "raised", e.actor(), e.summary());
    }

    @EventHandler
    void on(EscalationStepApproved e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        String approver = EscalationQueries.listed(e.actor().id());
        if (e.stepComplete()) {
            jdbc.update("UPDATE escalation_view SET current_step = ?, step_approvers = '', approvers = CASE WHEN"
                    + " approvers = '' THEN ? ELSE approvers || ',' || ? END, updated_at = ? WHERE escalation_id = ?",
                    e.step() + 1, approver, approver, at, e.escalationId());
        } else {
            jdbc.update("UPDATE escalation_view SET step_approvers = CASE WHEN step_approvers = '' THEN ?"
                    + " ELSE step_approvers || ',' || ? END, approvers = CASE WHEN approvers = '' THEN ?"
                    + " ELSE approvers || ',' || ? END, updated_at = ? WHERE escalation_id = ?",
                    approver, approver, approver, approver, at, e.escalationId());
        }
        entry(id, e.escalationId(), seq, at, "step-approved", e.actor(), e.stepName());
    }

    @EventHandler
    void on(EscalationApproved e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.APPROVED, at);
        entry(id, e.escalationId(), seq, at, "approved", e.actor(), null);
    }

    @EventHandler
    void on(EscalationRejected e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.REJECTED, at);
        entry(id, e.escalationId(), seq, at, "rejected", e.actor(), e.reason());
    }

    @EventHandler
    void on(EscalationAccepted e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("UPDATE escalation_view SET status = ?, owner = ?, updated_at = ? WHERE escalation_id = ?",
                EscalationStatus.ACCEPTED, e.actor().id(), at, e.escalationId());
        entry(id, e.escalationId(), seq, at, "accepted", e.actor(), null);
    }

    @EventHandler
    void on(EngineeringInformationRequested e, @MessageIdentifier String id, @SequenceNumber long seq,
            @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.WAITING_FOR_SUPPORT, at);
        entry(id, e.escalationId(), seq, at, "information-requested", e.actor(), e.question());
    }

    @EventHandler
    void on(EngineeringInformationProvided e, @MessageIdentifier String id, @SequenceNumber long seq,
            @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.ACCEPTED, at);
        entry(id, e.escalationId(), seq, at, "information-provided", e.actor(), e.answer());
    }

    @EventHandler
    void on(EngineeringUpdatePosted e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("UPDATE escalation_view SET updated_at = ? WHERE escalation_id = ?", at, e.escalationId());
        entry(id, e.escalationId(), seq, at, "update-posted", e.actor(), e.body());
    }

    @EventHandler
    void on(EscalationResolved e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.RESOLVED, at);
        entry(id, e.escalationId(), seq, at, "resolved", e.actor(), e.resolution());
    }

    @EventHandler
    void on(EscalationClosed e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.CLOSED, at);
        entry(id, e.escalationId(), seq, at, "closed", e.actor(), null);
    }

    @EventHandler
    void on(EscalationWithdrawn e, @MessageIdentifier String id, @SequenceNumber long seq, @Timestamp Instant at) {
        status(e.escalationId(), EscalationStatus.WITHDRAWN, at);
        entry(id, e.escalationId(), seq, at, "withdrawn", e.actor(), e.reason());
    }

    @EventHandler
    void on(EscalationManagerAssigned e, @MessageIdentifier String id, @SequenceNumber long seq,
            @Timestamp Instant at) {
        jdbc.update("UPDATE escalation_view SET manager_id = ?, manager_name = ?, updated_at = ?"
                + " WHERE escalation_id = ?", e.managerId(), e.managerName(), at, e.escalationId());
        entry(id, e.escalationId(), seq, at, "manager-assigned", e.actor(), e.managerName());
    }

    @ResetHandler
    void reset() {
        jdbc.clear("escalation_entry", "escalation_view");
    }

    private void status(String escalationId, EscalationStatus status, Instant at) {
        jdbc.update("UPDATE escalation_view SET status = ?, updated_at = ? WHERE escalation_id = ?", status, at,
                escalationId);
    }

    private void entry(String id, String escalationId, long seq, Instant at, String kind, Actor actor, String text) {
        jdbc.update("INSERT INTO escalation_entry (event_id, escalation_id, seq, at, kind, actor_id, actor_name,"
                        + " actor_role, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", id, escalationId, seq, at, kind,
                actor.id(), actor.displayName(), actor.role(), text);
    }
}
