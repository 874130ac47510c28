package io.casetrail.events.cases;

import java.util.List;

import io.casetrail.events.DomainEvent;

/** The events of the support case context, published on {@code casetrail.case.v1}. */
public final class CaseEvents {

    /** Every case event payload, in lifecycle order. */
    public static final List<Class<? extends DomainEvent>> ALL = List.of(
            CaseOpened.class, CaseAssigned.class, PriorityChanged.class, ContactAdded.class, ContactRemoved.class,
            ReplyPosted.class, InternalNotePosted.class, InformationRequested.class, AttachmentAdded.class,
            KnowledgeArticleLinked.class, RemoteSessionOffered.class, ConsultationRecorded.class,
            ResolutionProposed.class, ResolutionRejected.class, CaseClosed.class, CaseReopened.class,
            FollowUpCaseOpened.class, SlaClockStarted.class, SlaClockPaused.class, SlaClockStopped.class,
            SlaBreached.class);

    private CaseEvents() {
    }
}
