package io.casetrail.cases.query;

import java.time.temporal.ChronoUnit;

import io.casetrail.events.Actor;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.cases.AttachmentAdded;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ConsultationRecorded;
import io.casetrail.events.cases.ContactAdded;
import io.casetrail.events.cases.ContactRemoved;
import io.casetrail.events.cases.FollowUpCaseOpened;
import io.casetrail.events.cases.InformationRequested;
import io.casetrail.events.cases.InternalNotePosted;
import io.casetrail.events.cases.KnowledgeArticleLinked;
import io.casetrail.events.cases.PriorityChanged;
import io.casetrail.events.cases.RemoteSessionOffered;
import io.casetrail.events.cases.PhoneCallRecorded;
import io.casetrail.events.cases.ReplyPosted;
import io.casetrail.events.cases.ResolutionProposed;
import io.casetrail.events.cases.ResolutionRejected;
import io.casetrail.events.cases.SlaBreached;
import io.casetrail.events.cases.SlaClockPaused;
import io.casetrail.events.cases.SlaClockStarted;
import io.casetrail.events.cases.SlaClockStopped;

/**
 * What a case event means on the timeline: who may see it and a one-line summary. Internal posts,
 * consultations, SLA bookkeeping and files support keeps internal are {@code INTERNAL}; everything else the
 * customer sees.
 */
final class TimelineSummaries {

    record Line(TimelineEntry.Visibility visibility, String summary) {
    }

    private static final TimelineEntry.Visibility PUBLIC = TimelineEntry.Visibility.PUBLIC;
    private static final TimelineEntry.Visibility INTERNAL = TimelineEntry.Visibility.INTERNAL;

    private TimelineSummaries() {
    }

    static Line of(DomainEvent event) {
        String who = name(event.actor());
        if (event instanceof CaseOpened e) {
            return new Line(PUBLIC, (e.followUpOf() == null ? "Case opened by " + who
                    : "Follow-up of case " + e.followUpOf() + " opened by " + who) + ": " + e.subject());
        }
        if (event instanceof CaseAssigned e) {
            return new Line(PUBLIC, e.previousAssignee() == null ? "Assigned to " + e.assignee()
                    : "Reassigned from " + e.previousAssignee() + " to " + e.assignee());
        }
        if (event instanceof PriorityChanged e) {
            return new Line(PUBLIC, "Priority changed from " + e.from() + " to " + e.to()
                    + " by " + who + (e.reason() == null ? "" : ": " + e.reason()));
        }
        if (event instanceof ContactAdded e) {
            return new Line(PUBLIC, e.contactId() + " added as a contact by " + who);
        }
        if (event instanceof ContactRemoved e) {
            return new Line(PUBLIC, e.contactId() + " removed as a contact by " + who);
        }
        if (event instanceof ReplyPosted e) {
            return new Line(PUBLIC, "Reply from " + who);
        }
        if (event instanceof PhoneCallRecorded e) {
            return new Line(PUBLIC, "Phone call with " + e.contactId() + ", recorded by " + who
                    + (e.customerAnswered() ? "; the requested information was given" : ""));
        }
        if (event instanceof InternalNotePosted e) {
            return new Line(INTERNAL, "Internal note by " + who);
        }
        if (event instanceof InformationRequested e) {
            return new Line(PUBLIC, who + " asked for more information");
        }
        if (event instanceof AttachmentAdded e) {
            return new Line(e.internal() ? INTERNAL : PUBLIC, who + " uploaded " + e.fileName()
                    + " (" + e.sizeBytes() + " bytes)");
        }
        if (event instanceof KnowledgeArticleLinked e) {
            return new Line(PUBLIC, "Knowledge article " + e.articleId()
                    + (e.title() == null ? "" : " (" + e.title() + ")") + " referenced by " + who);
        }
        if (event instanceof RemoteSessionOffered e) {
            return new Line(PUBLIC, who + " offered a remote session");
        }
        if (event instanceof ConsultationRecorded e) {
            return new Line(INTERNAL, who + " consulted " + e.party().name()
                    .toLowerCase().replace('_', ' ') + (e.consultant() == null ? "" : " (" + e.consultant() + ")"));
        }
        if (event instanceof ResolutionProposed e) {
            return new Line(PUBLIC, "Resolution proposed by " + who
                    + (e.knowledgeArticleId() == null ? "" : " (article " + e.knowledgeArticleId() + ")"));
        }
        if (event instanceof ResolutionRejected e) {
            return new Line(PUBLIC, "Resolution rejected by " + who);
        }
        if (event instanceof CaseClosed e) {
            return new Line(PUBLIC, e.reason() == CloseReason.CONFIRMED
                    ? "Resolution confirmed by " + who + "; case closed"
                    : "Closed automatically: the proposed resolution was not answered");
        }
        if (event instanceof CaseReopened e) {
            return new Line(PUBLIC, "Reopened by " + who);
        }
        if (event instanceof FollowUpCaseOpened e) {
            return new Line(PUBLIC, "Closed more than 21 days ago: follow-up case "
                    + e.followUpCaseNumber() + " opened at the request of " + who);
        }
        if (event instanceof SlaClockStarted e) {
            return new Line(INTERNAL, "SLA " + target(e.target().name()) + " due "
                    + e.dueAt().truncatedTo(ChronoUnit.MILLIS));
        }
        if (event instanceof SlaClockPaused e) {
            return new Line(INTERNAL, "SLA " + target(e.target().name())
                    + " paused while waiting for the customer");
        }
        if (event instanceof SlaClockStopped e) {
            return new Line(INTERNAL, "SLA " + target(e.target().name())
                    + (e.met() ? " met" : " stopped"));
        }
        if (event instanceof SlaBreached e) {
            return new Line(INTERNAL, "SLA " + target(e.target().name()) + " breached (due "
                    + e.dueAt().truncatedTo(ChronoUnit.MILLIS) + ")");
        }
        return new Line(INTERNAL, event.getClass().getSimpleName());
    }

    private static String target(String name) {
        return name.toLowerCase().replace('_', ' ');
    }

    private static String name(Actor actor) {
        return actor == null ? "unknown" : actor.displayName();
    }
}
