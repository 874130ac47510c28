package io.casetrail.cases.query;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;

import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.ContactAdded;
import io.casetrail.events.cases.ContactRemoved;
import io.casetrail.events.cases.FollowUpCaseOpened;
import io.casetrail.events.cases.InformationRequested;
import io.casetrail.events.cases.PriorityChanged;
import io.casetrail.events.cases.ReplyPosted;
import io.casetrail.events.cases.ResolutionProposed;
import io.casetrail.events.cases.ResolutionRejected;
import io.casetrail.events.cases.SlaBreached;
import io.casetrail.events.cases.SlaClockPaused;
import io.casetrail.events.cases.SlaClockStarted;
import io.casetrail.events.cases.SlaClockStopped;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;

/**
 * The current state of every case ({@code case_view}, {@code case_contact}): case detail, search and the
 * queues. Fed by case-service's own event store.
 */
@Singleton
@ProcessingGroup(CaseViewProjection.GROUP)
public class CaseViewProjection implements Projection {

    public static final String GROUP = "case-views";

    private final Jdbc jdbc;

    public CaseViewProjection(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CaseOpened e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("INSERT INTO case_view (case_number, org_id, org_url, subject, description, product_area,"
                        + " priority, priority_rank, status, status_rank, contact_preference, team, opened_by, opened_at,"
                        + " opened_at_ms, updated_at, follow_up_of, sla_breached, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, FALSE, ?)",
                e.caseNumber(), e.orgId(), e.orgUrl(), e.subject(), e.description(), e.productArea(), e.priority(),
                e.priority().queueRank(), CaseStatus.NEW, CaseStatus.NEW.queueRank(), e.contactPreference(),
                e.team(), e.openedBy(), at, at.toEpochMilli(), at, e.followUpOf(), version);
        for (String contact : e.contacts()) {
            jdbc.update("INSERT INTO case_contact (case_number, contact_id) VALUES (?, ?)", e.caseNumber(), contact);
        }
    }

    @EventHandler
    void on(CaseAssigned e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET assignee = ? WHERE case_number = ?", e.assignee(), e.caseNumber());
        status(e.caseNumber(), e.status(), at, version);
    }

    @EventHandler
    void on(PriorityChanged e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET priority = ?, priority_rank = ? WHERE case_number = ?", e.to(),
                e.to().queueRank(), e.caseNumber());
        touch(e.caseNumber(), at, version);
    }

    @EventHandler
    void on(ContactAdded e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("INSERT INTO case_contact (case_number, contact_id) VALUES (?, ?)", e.caseNumber(),
                e.contactId());
        touch(e.caseNumber(), at, version);
    }

    @EventHandler
    void on(ContactRemoved e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("DELETE FROM case_contact WHERE case_number = ? AND contact_id = ?", e.caseNumber(),
                e.contactId());
        touch(e.caseNumber(), at, version);
    }

    @EventHandler
    void on(ReplyPosted e, @Timestamp Instant at, @SequenceNumber long version) {
        status(e.caseNumber(), e.status(), at, version);
    }

    @EventHandler
    void on(InformationRequested e, @Timestamp Instant at, @SequenceNumber long version) {
        status(e.caseNumber(), CaseStatus.PENDING_CUSTOMER, at, version);
    }

    @EventHandler
    void on(ResolutionProposed e, @Timestamp Instant at, @SequenceNumber long version) {
        status(e.caseNumber(), CaseStatus.RESOLVED_PENDING_CONFIRMATION, at, version);
    }

    @EventHandler
    void on(ResolutionRejected e, @Timestamp Instant at, @SequenceNumber long version) {
        status(e.caseNumber(), CaseStatus.OPEN, at, version);
    }

    @EventHandler
    void on(CaseClosed e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET closed_at = ? WHERE case_number = ?", at, e.caseNumber());
        status(e.caseNumber(), CaseStatus.CLOSED, at, version);
    }

    @EventHandler
    void on(CaseReopened e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET closed_at = NULL WHERE case_number = ?", e.caseNumber());
        status(e.caseNumber(), CaseStatus.OPEN, at, version);
    }

    @EventHandler
    void on(FollowUpCaseOpened e, @Timestamp Instant at, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET follow_up_case = ? WHERE case_number = ?", e.followUpCaseNumber(),
                e.caseNumber());
        touch(e.caseNumber(), at, version);
    }

    @EventHandler
    void on(SlaClockStarted e, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET sla_target = ?, sla_due_ms = ?, sla_remaining_ms = NULL,"
                + " sla_breached = FALSE, version = ? WHERE case_number = ?", e.target(), e.dueAt().toEpochMilli(),
                version, e.caseNumber());
    }

    @EventHandler
    void on(SlaClockPaused e, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET sla_target = ?, sla_due_ms = NULL, sla_remaining_ms = ?, version = ?"
                + " WHERE case_number = ?", e.target(), e.remainingMillis(), version, e.caseNumber());
    }

    @EventHandler
    void on(SlaClockStopped e, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET sla_target = NULL, sla_due_ms = NULL, sla_remaining_ms = NULL,"
                + " sla_breached = FALSE, version = ? WHERE case_number = ?", version, e.caseNumber());
    }

    @EventHandler
    void on(SlaBreached e, @SequenceNumber long version) {
        jdbc.update("UPDATE case_view SET sla_breached = TRUE, version = ? WHERE case_number = ?", version,
                e.caseNumber());
    }

    @ResetHandler
    void reset() {
        jdbc.update("DELETE FROM case_contact");
        jdbc.update("DELETE FROM case_view");
    }

    private void status(String caseNumber, CaseStatus status, Instant at, long version) {
        jdbc.update("UPDATE case_view SET status = ?, status_rank = ?, updated_at = ?, version = ?"
                + " WHERE case_number = ?", status, status.queueRank(), at, version, caseNumber);
    }

    private void touch(String caseNumber, Instant at, long version) {
        jdbc.update("UPDATE case_view SET updated_at = ?, version = ? WHERE case_number = ?", at, version,
                caseNumber);
    }
}
