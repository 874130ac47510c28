package io.casetrail.escalations.command;

import java.util.List;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import io.casetrail.events.escalation.TimelineExcerpt;
import io.casetrail.platform.security.Caller;

/** The commands of the escalation context; each addresses one {@link Escalation}. */
public final class EscalationCommands {

    private EscalationCommands() {
    }

    /** Support raises an escalation on a case, with what it collected and the case's timeline as it stands. */
    public record RaiseEscalation(@TargetAggregateIdentifier String escalationId, String caseNumber,
                                  String requestType, String summary, String customerImpact, List<String> requestIds,
                                  List<String> logReferences, List<String> logExcerpts,
                                  List<TimelineExcerpt> timeline, Caller caller) {
    }

    /**
     * An approver approves the escalation's current step: {@code step} (0 first), when given, the one the approver
     * saw; refused if the chain has moved on since.
     */
    public record ApproveStep(@TargetAggregateIdentifier String escalationId, Integer step, Caller caller) {

        /** Whichever step is current. */
        public ApproveStep(String escalationId, Caller caller) {
            this(escalationId, null, caller);
        }
    }

    /** An approver of the current step rejects the escalation ({@code step}: as for {@link ApproveStep}). */
    public record RejectEscalation(@TargetAggregateIdentifier String escalationId, Integer step, String reason,
                                   Caller caller) {

        /** Whichever step is current. */
        public RejectEscalation(String escalationId, String reason, Caller caller) {
            this(escalationId, null, reason, caller);
        }
    }

    /** An engineer takes the approved escalation. */
    public record AcceptEscalation(@TargetAggregateIdentifier String escalationId, Caller caller) {
    }

    /** The owning engineer asks support for information. */
    public record RequestInformation(@TargetAggregateIdentifier String escalationId, String question, Caller caller) {
    }

    /** Support (or the escalation manager) answers Engineering's question. */
    public record ProvideInformation(@TargetAggregateIdentifier String escalationId, String answer, Caller caller) {
    }

    /** The owning engineer posts progress. */
    public record PostUpdate(@TargetAggregateIdentifier String escalationId, String body, Caller caller) {
    }

    /** The owning engineer resolves the escalation. */
    public record ResolveEscalation(@TargetAggregateIdentifier String escalationId, String resolution,
                                    Caller caller) {
    }

    /** Support (or the escalation manager) closes the resolved escalation. */
    public record CloseEscalation(@TargetAggregateIdentifier String escalationId, Caller caller) {
    }

    /**
     * Support working the case (or the escalation's manager) withdraws the escalation before Engineering finished
     * it: it is no longer needed.
     */
    public record WithdrawEscalation(@TargetAggregateIdentifier String escalationId, String reason, Caller caller) {
    }

    /**
     * Casetrail ends the escalation because its case closed (the case's event {@code closureSequence}): withdrawn if
     * Engineering has not taken it yet, closed if Engineering resolved it before that closure; otherwise nothing
     * happens.
     */
    public record EndForClosedCase(@TargetAggregateIdentifier String escalationId, long closureSequence) {
    }

    /**
     * An escalation manager takes the escalation ({@code managerId} null or its own id), or a lead or manager of the
     * case's team assigns one.
     */
    public record AssignManager(@TargetAggregateIdentifier String escalationId, String managerId, String managerName,
                                Caller caller) {
    }
}
