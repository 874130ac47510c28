package io.casetrail.events.cases;

import java.util.List;
import java.util.Optional;

import io.casetrail.events.DomainEvent;

/** The events of the support case context, published on {@code casetrail.case.v1}. */
public final class CaseEvents {

    /** Every case event payload, in lifecycle order. */
    public static final List<Class<? extends DomainEvent>> ALL = List.of(
            CaseOpened.class, CaseAssigned.class, PriorityChanged.class, ContactAdded.class, ContactRemoved.class,
            ReplyPosted.class, PhoneCallRecorded.class, InternalNotePosted.class, InformationRequested.class, AttachmentAdded.class,
            KnowledgeArticleLinked.class, RemoteSessionOffered.class, ConsultationRecorded.class,
            ResolutionProposed.class, ResolutionRejected.class, CaseClosed.class, CaseReopened.class,
            FollowUpCaseOpened.class, SlaClockStarted.class, SlaClockPaused.class, SlaClockStopped.class,
            SlaBreached.class);

    private CaseEvents() {
    }

    /**
     * The status a case has after this event, when the event moves it (see docs/events.md); empty for events
     * that leave the status as it was. Consumers keep a case's status with this instead of re-deriving the rules.
     */
    public static Optional<CaseStatus> statusAfter(DomainEvent event) {
        if (event instanceof CaseOpened) {
            return Optional.of(CaseStatus.NEW);
        }
        if (event instanceof CaseAssigned e) {
            return Optional.of(e.status());
        }
        if (event instanceof ReplyPosted e) {
            return Optional.of(e.status());
        }
        if (event instanceof PhoneCallRecorded e) {
            return Optional.of(e.status());
        }
        if (event instanceof AttachmentAdded e) {
            return Optional.ofNullable(e.status()); // absent in events before 2026-11-29: unchanged
        }
        if (event instanceof InformationRequested) {
            return Optional.of(CaseStatus.PENDING_CUSTOMER);
        }
        if (event instanceof ResolutionProposed) {
            return Optional.of(CaseStatus.RESOLVED_PENDING_CONFIRMATION);
        }
        if (event instanceof ResolutionRejected || event instanceof CaseReopened) {
            return Optional.of(CaseStatus.OPEN);
        }
        if (event instanceof CaseClosed) {
            return Optional.of(CaseStatus.CLOSED);
        }
        return Optional.empty();
    }
}
