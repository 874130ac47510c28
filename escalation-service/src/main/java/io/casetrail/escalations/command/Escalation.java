package io.casetrail.escalations.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateRoot;
import org.axonframework.modelling.command.CreationPolicy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.events.Actor;
import io.casetrail.events.escalation.ApprovalStep;
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
import io.casetrail.escalations.command.EscalationCommands.AcceptEscalation;
import io.casetrail.escalations.command.EscalationCommands.ApproveStep;
import io.casetrail.escalations.command.EscalationCommands.AssignManager;
import io.casetrail.escalations.command.EscalationCommands.CloseEscalation;
import io.casetrail.escalations.command.EscalationCommands.EndForClosedCase;
import io.casetrail.escalations.command.EscalationCommands.PostUpdate;
import io.casetrail.escalations.command.EscalationCommands.ProvideInformation;
import io.casetrail.escalations.command.EscalationCommands.RaiseEscalation;
import io.casetrail.escalations.command.EscalationCommands.RejectEscalation;
import io.casetrail.escalations.command.EscalationCommands.RequestInformation;
import io.casetrail.escalations.command.EscalationCommands.ResolveEscalation;
import io.casetrail.escalations.command.EscalationCommands.WithdrawEscalation;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * An escalation of a case to Engineering: raised by support with what it collected, approved step by step along the
 * chain of its request type, then worked by an engineer on the Engineering board until support closes it. An
 * escalation manager may own it; while it is active the manager is the customer's intermediary. Support withdraws it
 * when it is no longer needed; a case that closes withdraws those Engineering has not taken yet.
 */
@AggregateRoot(type = "Escalation")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class Escalation {

    @AggregateIdentifier
    private String escalationId;
    private String orgId;
    private String caseNumber;
    private String team;
    private String requestType;
    private String raisedBy;
    private List<ApprovalStep> chain = new ArrayList<>();
    private int step;
    private Set<String> stepApprovers = new LinkedHashSet<>();
    /** Who approved an earlier step: a chain of steps asks for that many people, not one person that many times. */
    private Set<String> earlierApprovers = new LinkedHashSet<>();
    private EscalationStatus status;
    /** The case's status sequence it was resolved on (null: not resolved, or resolved before it was recorded). */
    private Long resolvedOnCaseSequence;
    private String owner;
    private String managerId;

    protected Escalation() {
        // for event sourcing, and for the raise (CreationPolicy ALWAYS)
    }

    // --- support raises ----------------------------------------------------------------------------------------

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.ALWAYS)
    public String handle(RaiseEscalation command, CaseLookup cases, ApprovalChains chains, EscalationsByCase byCase) {
        Caller caller = command.caller();
        KnownCase known = cases.findLocked(command.caseNumber())
                .orElseThrow(() -> new NotFound("there is no case " + command.caseNumber()));
        // who may escalate it first: a stranger learns nothing of the case, not even that it is closed
        String role = known.workingRole(caller).orElseThrow(() -> new AccessDenied("only support working case "
                + known.caseNumber() + " (its engineer, or a lead or manager of team " + known.team()
                + ") may escalate it"));
        if (!known.isOpen()) {
            throw new RuleViolation("case-closed", "case " + known.caseNumber() + " is closed; it cannot be escalated");
        }
        List<ApprovalStep> steps = chains.chain(command.requestType()).orElseThrow(() -> new InvalidInput(
                "requestType: one of " + chains.requestTypes()));
        // nobody approves their own escalation: a step that needs the raiser's approval would never complete
        ApprovalChains.namingLater(steps, -1, caller.id()).ifPresent(named -> {
            throw new RuleViolation("own-approval-needed", "a " + command.requestType() + " escalation needs the"
                    + " approval of " + caller.id() + " (step '" + named.name() + "'), who may not approve their own"
                    + " escalation; another of the case's support raises it");
        });
        apply(new EscalationRaised(command.escalationId(), known.orgId(), known.caseNumber(), known.team(),
                command.requestType(), command.summary(), command.customerImpact(), command.requestIds(),
                command.logReferences(), command.logExcerpts(), command.timeline(), steps, caller.actingAs(role)));
        byCase.add(known.caseNumber(), command.escalationId(), known.statusSequence());
        return command.escalationId();
    }

    // --- approval chain ----------------------------------------------------------------------------------------

    @CommandHandler
    public EscalationStatus handle(ApproveStep command) {
        requireApproverOfTheChain(command.caller());
        requireStatus(EscalationStatus.AWAITING_APPROVAL, "approved");
        requireStepSeen(command.step(), command.caller(), "approving");
        ApprovalStep current = chain.get(step);
        String role = approverRole(current, command.caller());
        if (stepApprovers.contains(command.caller().id())) {
            throw new RuleViolation("already-approved", command.caller().id() + " already approved step '"
                    + current.name() + "' of escalation " + escalationId);
        }
        if (earlierApprovers.contains(command.caller().id())) {
            throw new RuleViolation("approved-earlier-step", command.caller().id() + " approved an earlier step of"
                    + " escalation " + escalationId + "; step '" + current.name() + "' needs someone else");
        }
        // one approver per step: a named approver of a later step who approved this one could not approve it
        ApprovalChains.namingLater(chain, step, command.caller().id()).ifPresent(later -> {
            throw new RuleViolation("approver-of-later-step", command.caller().id() + " is named to approve step '"
                    + later.name() + "' of escalation " + escalationId + "; step '" + current.name()
                    + "' needs someone else");
        });
        boolean complete = stepApprovers.size() + 1 >= current.required();
        boolean last = step == chain.size() - 1;
        Actor approver = command.caller().actingAs(role);
        apply(new EscalationStepApproved(escalationId, orgId, caseNumber, step, current.name(), complete, approver));
        if (complete && last) {
            apply(new EscalationApproved(escalationId, orgId, caseNumber, requestType, approver));
        }
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(RejectEscalation command) {
        requireApproverOfTheChain(command.caller());
        requireStatus(EscalationStatus.AWAITING_APPROVAL, "rejected");
        requireStepSeen(command.step(), command.caller(), "rejecting");
        ApprovalStep current = chain.get(step);
        String role = approverRole(current, command.caller());
        apply(new EscalationRejected(escalationId, orgId, caseNumber, step, current.name(), command.reason(),
                command.caller().actingAs(role)));
        return status;
    }

    /**
     * Once the chain is no longer awaited, only one who could approve a step of it learns so (409): anyone else is
     * refused (403), as while it is awaited, and learns nothing of where the escalation stands.
     */
    private void requireApproverOfTheChain(Caller caller) {
        if (status != EscalationStatus.AWAITING_APPROVAL && !isApproverOfTheChain(caller)) {
            throw new AccessDenied("only an approver of escalation " + escalationId + "'s chain approves or rejects"
                    + " it");
        }
    }

    /**
     * The step an approver saw, when it names one, is still the current one: a decision about one step never lands
     * on the next (two approvers at once: the one who lost the race would otherwise approve, or reject, a step it
     * never saw). Told only to an approver of some step of the chain; anyone else is refused as before (403).
     */
    private void requireStepSeen(Integer seen, Caller caller, String what) {
        if (seen != null && seen != step && isApproverOfTheChain(caller)) {
            throw new RuleViolation("step-moved", "escalation " + escalationId + " is at step " + step + " ('"
                    + chain.get(step).name() + "'), not step " + seen + ": look at it again before " + what);
        }
    }

    /** Whether the caller may approve some step of the chain. */
    private boolean isApproverOfTheChain(Caller caller) {
        return chain.stream().anyMatch(any -> ApprovalChains.eligibility(any, caller, team, raisedBy).allowed());
    }

    private String approverRole(ApprovalStep current, Caller caller) {
        ApprovalChains.Eligibility eligibility = ApprovalChains.eligibility(current, caller, team, raisedBy);
        if (!eligibility.allowed()) {
            throw new AccessDenied(eligibility.refusal());
        }
        return eligibility.role();
    }

    // --- Engineering -------------------------------------------------------------------------------------------

    @CommandHandler
    public EscalationStatus handle(AcceptEscalation command) {
        requireEngineer(command.caller());
        requireStatus(EscalationStatus.APPROVED, "accepted");
        apply(new EscalationAccepted(escalationId, orgId, caseNumber, command.caller().actingAs(Roles.ENGINEER)));
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(RequestInformation command) {
        requireOwner(command.caller());
        requireStatus(EscalationStatus.ACCEPTED, "sent back to support");
        apply(new EngineeringInformationRequested(escalationId, orgId, caseNumber, command.question(),
                command.caller().actingAs(Roles.ENGINEER)));
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(PostUpdate command) {
        requireOwner(command.caller());
        if (status != EscalationStatus.ACCEPTED && status != EscalationStatus.WAITING_FOR_SUPPORT) {
            throw illegal("updated");
        }
        apply(new EngineeringUpdatePosted(escalationId, orgId, caseNumber, command.body(),
                command.caller().actingAs(Roles.ENGINEER)));
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(ResolveEscalation command, CaseLookup cases) {
        requireOwner(command.caller());
        requireStatus(EscalationStatus.ACCEPTED, "resolved");
        // the case's row is held (the request locked it): a closure being recorded comes before or after this
        Optional<KnownCase> known = cases.find(caseNumber);
        apply(new EscalationResolved(escalationId, orgId, caseNumber, command.resolution(),
                known.map(KnownCase::statusSequence).orElse(null), command.caller().actingAs(Roles.ENGINEER)));
        // its case closed while Engineering worked it (the closure left it to Engineering): nobody is left to close
        // it, and it would keep a closed case escalated, or its manager the intermediary of the case reopened
        if (known.map(k -> !k.isOpen()).orElse(false)) {
            apply(new EscalationClosed(escalationId, orgId, caseNumber, Actor.SYSTEM));
        }
        return status;
    }

    /** An engineer, on an escalation that reached Engineering: one never approved it does not see, nor its status. */
    private void requireEngineer(Caller caller) {
        if (!caller.has(Roles.ENGINEER)) {
            throw new AccessDenied("only Engineering accepts escalations");
        }
        if (step < chain.size()) {
            throw new AccessDenied("escalation " + escalationId + " has not reached Engineering");
        }
    }

    private void requireOwner(Caller caller) {
        requireEngineer(caller);
        if (owner == null) {
            throw illegal("worked by Engineering");
        }
        if (!caller.id().equals(owner)) {
            throw new AccessDenied("escalation " + escalationId + " is " + owner + "'s; only its engineer works it");
        }
    }

    // --- support's side ----------------------------------------------------------------------------------------

    @CommandHandler
    public EscalationStatus handle(ProvideInformation command, CaseLookup cases) {
        Actor actor = requireSupportSide(command.caller(), cases, "answer Engineering");
        requireStatus(EscalationStatus.WAITING_FOR_SUPPORT, "answered");
        apply(new EngineeringInformationProvided(escalationId, orgId, caseNumber, command.answer(), actor));
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(CloseEscalation command, CaseLookup cases) {
        Actor actor = requireSupportSide(command.caller(), cases, "close it");
        requireStatus(EscalationStatus.RESOLVED, "closed");
        apply(new EscalationClosed(escalationId, orgId, caseNumber, actor));
        return status;
    }

    @CommandHandler
    public EscalationStatus handle(WithdrawEscalation command, CaseLookup cases) {
        Actor actor = requireSupportSide(command.caller(), cases, "withdraw it");
        if (status == EscalationStatus.RESOLVED) {
            throw new RuleViolation("illegal-transition", "escalation " + escalationId + " is RESOLVED: Engineering"
                    + " has answered; close it instead");
        }
        if (!status.isActive()) {
            throw illegal("withdrawn");
        }
        apply(new EscalationWithdrawn(escalationId, orgId, caseNumber, status.name(), command.reason(), actor));
        return status;
    }

    /**
     * An escalation Engineering has not taken is withdrawn and a resolved one is closed: nothing is left to do on
     * either, and neither may keep a closed case escalated, or its manager the intermediary of the case reopened.
     * One Engineering is working stays with Engineering; one that ended stays as it ended.
     */
    @CommandHandler
    public void handle(EndForClosedCase command) {
        if (status == EscalationStatus.AWAITING_APPROVAL || status == EscalationStatus.APPROVED) {
            apply(new EscalationWithdrawn(escalationId, orgId, caseNumber, status.name(), "case " + caseNumber
                    + " closed before Engineering took the escalation", Actor.SYSTEM));
        } else if (status == EscalationStatus.RESOLVED
                && (resolvedOnCaseSequence == null || resolvedOnCaseSequence < command.closureSequence())) {
            // (resolved on a later status of the case, the case reopened since this closure, which is delivered
            // again: a rebuild of the known cases; not resolved before it closed)
            apply(new EscalationClosed(escalationId, orgId, caseNumber, Actor.SYSTEM));
        }
    }

    @CommandHandler
    public EscalationStatus handle(AssignManager command, CaseLookup cases, EscalationsByCase byCase) {
        Caller caller = command.caller();
        boolean self = caller.has(Roles.ESCALATION_MANAGER)
                && (command.managerId() == null || command.managerId().equals(caller.id()));
        Optional<String> leadRole = caller.teamRole(team);
        boolean lead = leadRole.isPresent();
        // who may never give it a manager is refused before anything else: it learns nothing of where it stands
        if (!self && !lead) {
            throw new AccessDenied("an escalation manager takes an escalation itself; otherwise a lead or manager of"
                    + " team " + team + " assigns one");
        }
        if (!status.isActive()) {
            throw illegal("given a manager");
        }
        if (self) {
            if (command.managerName() != null && !command.managerName().equals(caller.displayName())) {
                throw new InvalidInput("managerName: an escalation manager taking an escalation is named as its"
                        + " sign-in names it (" + caller.displayName() + "); managerName goes with the managerId a"
                        + " lead or manager names");
            }
            if (caller.id().equals(managerId)) {
                throw new RuleViolation("already-assigned", caller.id() + " already manages escalation "
                        + escalationId);
            }
            // an escalation manager owns the escalation it took: another takes it over only when a lead or
            // manager of the team hands it on, never by taking it
            if (managerId != null && !lead) {
                throw new RuleViolation("managed", "escalation " + escalationId + " is managed by " + managerId
                        + "; a lead or manager of team " + team + " hands it to another escalation manager");
            }
            // nor by taking another escalation of the case: its latest manager is the customer's intermediary
            Optional<String> intermediary = lead ? Optional.empty()
                    : byCase.intermediaryBesides(caseNumber, escalationId).filter(id -> !id.equals(caller.id()));
            if (intermediary.isPresent()) {
                throw new RuleViolation("managed", "case " + caseNumber + " has an escalation managed by "
                        + intermediary.get() + ", the customer's intermediary; a lead or manager of team " + team
                        + " hands this one to another escalation manager");
            }
            // recorded first: the event carries the assignment's place among the case's
            long place = byCase.managerAssigned(caseNumber, escalationId, caller.id());
            apply(new EscalationManagerAssigned(escalationId, orgId, caseNumber, caller.id(), caller.displayName(),
                    caller.actingAs(Roles.ESCALATION_MANAGER), place));
            return status;
        }
        if (command.managerId() == null || command.managerId().isBlank()) {
            throw new InvalidInput("managerId: name the escalation manager");
        }
        if (command.managerId().equals(managerId)) {
            throw new RuleViolation("already-assigned", command.managerId() + " already manages escalation "
                    + escalationId);
        }
        // the manager takes over from support as the customer's intermediary: naming oneself, the engineer who
        // raised the escalation or the case's engineer would leave the case's support side with nobody who may write
        // to the customer (without a staff directory, any other id is taken as named)
        String assignee = cases.find(caseNumber).map(KnownCase::assignee).orElse(null);
        if (command.managerId().equals(caller.id()) || command.managerId().equals(raisedBy)
                || command.managerId().equals(assignee)) {
            throw new InvalidInput("managerId: " + command.managerId() + " works the case or raised the escalation;"
                    + " name an escalation manager, who takes over from support as the customer's intermediary");
        }
        long place = byCase.managerAssigned(caseNumber, escalationId, command.managerId());
        apply(new EscalationManagerAssigned(escalationId, orgId, caseNumber, command.managerId(),
                command.managerName() == null ? command.managerId() : command.managerName(),
                caller.actingAs(leadRole.get()), place));
        return status;
    }

    /** Support working the case (as it stands now), or the escalation's manager: the actor, in that role. */
    private Actor requireSupportSide(Caller caller, CaseLookup cases, String what) {
        if (caller.has(Roles.ESCALATION_MANAGER) && caller.id().equals(managerId)) {
            return caller.actingAs(Roles.ESCALATION_MANAGER);
        }
        String role = cases.find(caseNumber).flatMap(known -> known.workingRole(caller)).orElseThrow(() ->
                new AccessDenied("only support working case " + caseNumber + " or the escalation's manager may "
                        + what));
        return caller.actingAs(role);
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private void requireStatus(EscalationStatus expected, String what) {
        if (status != expected) {
            throw illegal(what);
        }
    }

    private RuleViolation illegal(String what) {
        return new RuleViolation("illegal-transition", "escalation " + escalationId + " is " + status
                + "; it cannot be " + what + " now");
    }

    // --- state changes -----------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(EscalationRaised event) {
        escalationId = event.escalationId();
        orgId = event.orgId();
        caseNumber = event.caseNumber();
        team = event.team();
        requestType = event.requestType();
        raisedBy = event.actor().id();
        chain = new ArrayList<>(event.chain());
        step = 0;
        stepApprovers = new LinkedHashSet<>();
        earlierApprovers = new LinkedHashSet<>();
        status = EscalationStatus.AWAITING_APPROVAL;
    }

    @EventSourcingHandler
    void on(EscalationStepApproved event) {
        stepApprovers.add(event.actor().id());
        if (event.stepComplete()) {
            step = event.step() + 1;
            earlierApprovers.addAll(stepApprovers);
            stepApprovers = new LinkedHashSet<>();
        }
    }

    @EventSourcingHandler
    void on(EscalationApproved event) {
        status = EscalationStatus.APPROVED;
    }

    @EventSourcingHandler
    void on(EscalationRejected event) {
        status = EscalationStatus.REJECTED;
    }

    @EventSourcingHandler
    void on(EscalationAccepted event) {
        owner = event.actor().id();
        status = EscalationStatus.ACCEPTED;
    }

    @EventSourcingHandler
    void on(EngineeringInformationRequested event) {
        status = EscalationStatus.WAITING_FOR_SUPPORT;
    }

    @EventSourcingHandler
    void on(EngineeringInformationProvided event) {
        status = EscalationStatus.ACCEPTED;
    }

    @EventSourcingHandler
    void on(EscalationResolved event) {
        status = EscalationStatus.RESOLVED;
        resolvedOnCaseSequence = event.caseSequence();
    }

    @EventSourcingHandler
    void on(EscalationClosed event) {
        status = EscalationStatus.CLOSED;
    }

    @EventSourcingHandler
    void on(EscalationWithdrawn event) {
        status = EscalationStatus.WITHDRAWN;
    }

    @EventSourcingHandler
    void on(EscalationManagerAssigned event) {
        managerId = event.managerId();
    }
}
