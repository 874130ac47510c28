package io.casetrail.cases.query;

import static io.casetrail.platform.store.RowWriter.Columns.set;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;

import io.casetrail.events.DomainEvent;
import io.casetrail.events.cases.AttachmentAdded;
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
import io.casetrail.events.cases.PhoneCallRecorded;
import io.casetrail.events.cases.KnowledgeArticleLinked;
import io.casetrail.events.cases.RemoteSessionOffered;
import io.casetrail.events.cases.ReplyPosted;
import io.casetrail.events.cases.ResolutionProposed;
import io.casetrail.events.cases.ResolutionRejected;
import io.casetrail.events.cases.SlaBreached;
import io.casetrail.events.cases.SlaClockPaused;
import io.casetrail.events.cases.SlaClockStarted;
import io.casetrail.events.cases.SlaClockStopped;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.platform.store.RowWriter;
import io.casetrail.platform.store.RowWriter.Table;

/**
 * The current state of every case ({@code case_view}, {@code case_contact}): case detail, search and the
 * queues. Fed by case-service's own event store; its writes go through {@link RowWriter}, so a processor batch
 * writes each case's row once (a rebuild is not one round trip per event).
 */
@Singleton
@ProcessingGroup(CaseViewProjection.GROUP)
public class CaseViewProjection implements Projection {

    public static final String GROUP = "case-views";

    static final Table CASE_VIEW = Table.of("case_view", "case_number");
    static final Table CASE_CONTACT = Table.of("case_contact", "case_number", "contact_id");

    private final RowWriter rows;
    private final Jdbc jdbc;

    public CaseViewProjection(RowWriter rows, Jdbc jdbc) {
        this.rows = rows;
        this.jdbc = jdbc;
    }

    @Override
    public List<String> tables() {
        return List.of(CASE_VIEW.name(), CASE_CONTACT.name());
    }

    @EventHandler
    void on(CaseOpened e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.insert(CASE_VIEW, e.caseNumber(), set("org_id", e.orgId()).and("org_url", e.orgUrl())
                .and("subject", e.subject()).and("description", e.description())
                .and("product_area", e.productArea()).and("priority", e.priority())
                .and("priority_rank", e.priority().queueRank()).and("status", CaseStatus.NEW)
                .and("status_rank", CaseStatus.NEW.queueRank()).and("contact_preference", e.contactPreference())
                .and("team", e.team()).and("opened_by", e.openedBy()).and("opened_at", at)
                .and("opened_at_ms", at.toEpochMilli()).and("updated_at", at).and("follow_up_of", e.followUpOf())
                .and("sla_breached", false).and("version", version));
        for (String contact : e.contacts()) {
            rows.insert(CASE_CONTACT, List.of(e.caseNumber(), contact), RowWriter.Columns.none());
        }
    }

    @EventHandler
    void on(CaseAssigned e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(e.status(), at, version).and("assignee", e.assignee()));
    }

    @EventHandler
    void on(PriorityChanged e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version).and("priority", e.to())
                .and("priority_rank", e.to().queueRank()));
    }

    @EventHandler
    void on(ContactAdded e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.insert(CASE_CONTACT, List.of(e.caseNumber(), e.contactId()), RowWriter.Columns.none());
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version));
    }

    @EventHandler
    void on(ContactRemoved e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.delete(CASE_CONTACT, List.of(e.caseNumber(), e.contactId()));
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version));
    }

    @EventHandler
    void on(ReplyPosted e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(e.status(), at, version));
    }

    @EventHandler
    void on(PhoneCallRecorded e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(e.status(), at, version));
    }

    /** A remote session offered is correspondence, as a reply is. */
    @EventHandler
    void on(RemoteSessionOffered e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version));
    }

    /** A knowledge article linked is on the customer's timeline: the customer's updatedAt moves, as with a reply. */
    @EventHandler
    void on(KnowledgeArticleLinked e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version));
    }

    /** An internal file is internal as a note is: it moves the version only, not the customer's updatedAt. */
    @EventHandler
    void on(AttachmentAdded e, @Timestamp Instant at, @SequenceNumber long version) {
        if (e.internal() || e.status() == null) {
            rows.update(CASE_VIEW, e.caseNumber(), set("version", version));
        } else {
            rows.update(CASE_VIEW, e.caseNumber(), status(e.status(), at, version));
        }
    }

    @EventHandler
    void on(InformationRequested e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(CaseStatus.PENDING_CUSTOMER, at, version));
    }

    @EventHandler
    void on(ResolutionProposed e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(CaseStatus.RESOLVED_PENDING_CONFIRMATION, at, version));
    }

    @EventHandler
    void on(ResolutionRejected e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(CaseStatus.OPEN, at, version));
    }

    @EventHandler
    void on(CaseClosed e, @Timestamp Instant at, @SequenceNumber long version) {
        // a case closed automatically closed at its auto-close time, as the case holds it (the reopen window)
        rows.update(CASE_VIEW, e.caseNumber(), status(CaseStatus.CLOSED, at, version).and("closed_at",
                e.closedAt() != null ? e.closedAt() : at));
    }

    @EventHandler
    void on(CaseReopened e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), status(CaseStatus.OPEN, at, version).and("closed_at", null));
    }

    @EventHandler
    void on(FollowUpCaseOpened e, @Timestamp Instant at, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), touch(at, version).and("follow_up_case", e.followUpCaseNumber()));
    }

    @EventHandler
    void on(SlaClockStarted e, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), set("sla_target", e.target()).and("sla_due_ms",
                e.dueAt().toEpochMilli()).and("sla_remaining_ms", null).and("sla_breached", false)
                .and("version", version));
    }

    @EventHandler
    void on(SlaClockPaused e, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), set("sla_target", e.target()).and("sla_due_ms", null)
                .and("sla_remaining_ms", e.remainingMillis()).and("version", version));
    }

    @EventHandler
    void on(SlaClockStopped e, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), set("sla_target", null).and("sla_due_ms", null)
                .and("sla_remaining_ms", null).and("sla_breached", false).and("version", version));
    }

    @EventHandler
    void on(SlaBreached e, @SequenceNumber long version) {
        rows.update(CASE_VIEW, e.caseNumber(), set("sla_breached", true).and("version", version));
    }

    @ResetHandler
    void reset() {
        jdbc.clear("case_contact", "case_view");
    }

    private static RowWriter.Columns status(CaseStatus status, Instant at, long version) {
        return set("status", status).and("status_rank", status.queueRank()).and("updated_at", at)
                .and("version", version);
    }

    /**
     * Any other event of a case (an internal note, a consultation) shows
     * nowhere in the view but in its version, which a command's If-Match names.
     */
    @EventHandler
    void on(DomainEvent e, @SequenceNumber long version) {
        if (e.caseNumber() != null) {
            rows.update(CASE_VIEW, e.caseNumber(), set("version", version));
        }
    }

    private static RowWriter.Columns touch(Instant at, long version) {
        return set("updated_at", at).and("version", version);
    }
}
