package io.casetrail.cases.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.createNew;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.messaging.InterceptorChain;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;
import org.axonframework.modelling.command.AggregateRoot;
import org.axonframework.modelling.command.CommandHandlerInterceptor;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.events.Actor;
import io.casetrail.events.cases.AttachmentAdded;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ConsultationRecorded;
import io.casetrail.events.cases.ContactAdded;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.ContactRemoved;
import io.casetrail.events.cases.FollowUpCaseOpened;
import io.casetrail.events.cases.InformationRequested;
import io.casetrail.events.cases.InternalNotePosted;
import io.casetrail.events.cases.KnowledgeArticleLinked;
import io.casetrail.events.cases.PhoneCallRecorded;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.PriorityChanged;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.cases.RemoteSessionOffered;
import io.casetrail.events.cases.ReplyPosted;
import io.casetrail.events.cases.ResolutionProposed;
import io.casetrail.events.cases.ResolutionRejected;
import io.casetrail.events.cases.SlaBreached;
import io.casetrail.events.cases.SlaClockPaused;
import io.casetrail.events.cases.SlaClockStarted;
import io.casetrail.events.cases.SlaClockStopped;
import io.casetrail.events.cases.SlaTarget;
import io.casetrail.platform.axon.ExpectedVersion;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * A support case, from opening to closure: who may act on it, which status transitions are legal, and its SLA
 * clock. Command handlers validate and decide; event-sourcing handlers only change state.
 *
 * <p>SLA: one clock runs at a time. From opening (and reopening) the {@link SlaTarget#FIRST_RESPONSE} clock
 * runs until support's first public message; then the {@link SlaTarget#UPDATE_INTERVAL} clock restarts with
 * every public message of support. While the case is {@code PENDING_CUSTOMER} the clock is paused (a request for
 * information is itself a public message, so the update clock pauses with its full interval left) and the
 * customer's reply resumes it. A proposed resolution stops the clock; a rejection starts the update clock.
 * Each running clock has a persisted deadline; if it fires with the same due time still running, the target is
 * breached. A clock stopped, paused or moved after its due time, before its deadline fired, is breached first.
 *
 * <p>"Now" is Axon's event clock, which the service sets to its own {@link java.time.Clock} and which
 * {@code AggregateTestFixture} fixes to the fixture's time.
 */
@AggregateRoot(type = "SupportCase")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class SupportCase {

    static final String SLA_DEADLINE = "sla";
    /** The version of a case just opened: its CaseOpened (0) and its first SLA clock (1). */
    public static final long OPENED_VERSION = 1;
    static final String AUTO_CLOSE_DEADLINE = "auto-close";
    static final int MAX_SUBJECT = 500;

    /** Payload of the SLA deadline: breached if this clock is still running when it fires. */
    public record SlaDue(SlaTarget target, Instant dueAt) {
    }

    /** Payload of the auto-close deadline of one proposed resolution. */
    public record AutoCloseDue(Instant autoCloseAt) {
    }

    @AggregateIdentifier
    private String caseNumber;
    private String orgId;
    private String orgUrl;
    private String subject;
    private ProductArea productArea;
    private ContactPreference contactPreference;
    private String team;
    private String openedBy;
    private String openedBySupport;
    private Set<String> contacts = new LinkedHashSet<>();
    private String assignee;
    private CaseStatus status;
    private Priority priority;
    private Instant closedAt;
    private Instant autoCloseAt;
    private String followUpCase;
    private SlaTarget slaTarget;
    private Instant slaDueAt;
    private Long slaRemainingMillis;
    private boolean slaBreached;

    protected SupportCase() {
        // for event sourcing
    }

    /**
     * A command naming the version of the case it expects (If-Match) is checked once its handler let it through:
     * one who may not act on the case is refused as such, and learns nothing of its version.
     */
    @CommandHandlerInterceptor
    Object atTheExpectedVersion(CommandMessage<?> command, InterceptorChain chain) throws Exception {
        Long before = AggregateLifecycle.getVersion();
        Object result = chain.proceed();
        ExpectedVersion.check(command, caseNumber, before);
        return result;
    }

    @CommandHandler
    public SupportCase(OpenCase command, CaseRules rules, DeadlineManager deadlines) {
        Caller caller = command.caller();
        String openedBy;
        Actor actor;
        if (caller.isCustomer()) {
            if (!caller.isCustomerOf(command.orgId())) {
                throw new AccessDenied("an org admin may open cases only for its own org");
            }
            openedBy = caller.id();
            actor = caller.actor();
        } else if (caller.hasAny(Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER)) {
            if (isBlank(command.openedBy())) {
                throw new InvalidInput("support opening a case on a customer's behalf must name the org admin"
                        + " it is for (openedBy)");
            }
            requireNotNamingItself(caller, command.openedBy(), command.contacts());
            openedBy = command.openedBy();
            // the role that lets it open, not another it holds besides (an escalation manager's, say)
            actor = caller.actingAs(caller.has(Roles.SUPPORT_MANAGER) ? Roles.SUPPORT_MANAGER
                    : caller.has(Roles.TEAM_LEAD) ? Roles.TEAM_LEAD : Roles.SUPPORT_ENGINEER);
        } else {
            throw new AccessDenied("role " + caller.primaryRole() + " may not open cases");
        }
        open(command.caseNumber(), command.orgId(), command.orgUrl(), command.subject(), command.description(),
                command.productArea(), command.priority(), command.contactPreference(), openedBy,
                command.contacts(), null, actor, rules, deadlines);
    }

    /**
     * Support opening a case on a customer's behalf names neither itself as its opener nor among its contacts:
     * support is never an admin of the org (no token is both), and naming itself it would give its own consent for
     * the admin actions on the case. Checked by the API too, before a case number is drawn.
     */
    public static void requireNotNamingItself(Caller caller, String openedBy, List<String> contacts) {
        if (caller.id().equals(openedBy)) {
            throw new InvalidInput("openedBy: support opening a case on a customer's behalf names the org admin it is"
                    + " for, not itself");
        }
        if (contacts != null && contacts.contains(caller.id())) {
            throw new InvalidInput("contacts: support opening a case on a customer's behalf names admins of the org to"
                    + " contact, not itself");
        }
    }

    /** The follow-up of a case closed more than 21 days ago, created when a reopen request comes too late. */
    private SupportCase(String caseNumber, SupportCase original, String reason, Actor actor, CaseRules rules,
                        DeadlineManager deadlines) {
        String openedBy = actor.id(); // an admin of the org: only they reopen
        List<String> contacts = new java.util.ArrayList<>(original.contacts);
        if (!openedBy.equals(original.openedBy)) {
            contacts.add(original.openedBy);
        }
        String subject = "Follow-up to " + original.caseNumber + ": " + original.subject;
        open(caseNumber, original.orgId, original.orgUrl, shortened(subject), reason, original.productArea,
                original.priority, original.contactPreference, openedBy, contacts, original.caseNumber, actor, rules,
                deadlines);
    }

    /** A subject cut to MAX_SUBJECT characters where it is longer, never between the two halves of a surrogate pair. */
    static String shortened(String subject) {
        if (subject.length() <= MAX_SUBJECT) {
            return subject;
        }
        int end = MAX_SUBJECT - 3;
        if (Character.isHighSurrogate(subject.charAt(end - 1))) {
            end--;
        }
        return subject.substring(0, end) + "...";
    }

    private void open(String number, String org, String url, String subjectLine, String description,
                      ProductArea area, Priority casePriority, ContactPreference preference, String opener,
                      List<String> otherContacts, String followUpOf, Actor actor, CaseRules rules,
                      DeadlineManager deadlines) {
        Set<String> associated = new LinkedHashSet<>(otherContacts == null ? List.of() : otherContacts);
        associated.remove(opener);
        Instant dueAt = now().plus(rules.sla(casePriority).firstResponse());
        // in a constructor, apply() hands the event to the state handlers once the constructor has run
        apply(new CaseOpened(number, org, url, subjectLine, description, area, casePriority, preference, opener,
                List.copyOf(associated), rules.teamFor(area), followUpOf, actor))
                // a case just opened has no deadline to cancel
                .andThen(() -> runClock(SlaTarget.FIRST_RESPONSE, dueAt, deadlines));
    }

    @CommandHandler
    public CaseState handle(AssignCase command) {
        Actor actor = policy().requireLead(command.caller(), "assign cases");
        requireNotClosed("assign");
        if (isBlank(command.assignee())) {
            throw new InvalidInput("assignee is required");
        }
        if (command.assignee().equals(assignee)) {
            throw new RuleViolation("already-assigned", "case " + caseNumber + " is already assigned to "
                    + assignee);
        }
        if (command.caller().id().equals(openedBySupport) && command.assignee().equals(openedBySupport)) {
            // as for taking it: nobody gives themselves, alone, an open case (and with it rights) in an org
            throw new AccessDenied("you opened case " + caseNumber + " on the customer's behalf; another team lead"
                    + " assigns it");
        }
        apply(new CaseAssigned(caseNumber, orgId, command.assignee(), assignee,
                status == CaseStatus.NEW ? CaseStatus.OPEN : status, actor));
        return state(null);
    }

    @CommandHandler
    public CaseState handle(TakeCase command) {
        Caller caller = command.caller();
        if (!caller.hasAny(Roles.SUPPORT_ENGINEER, Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER) || !caller.inTeam(team)) {
            throw new AccessDenied("only members of team " + team + " may take its cases");
        }
        if (status != CaseStatus.NEW) {
            throw new RuleViolation("already-assigned", "case " + caseNumber + " is " + status
                    + (assignee == null ? "" : " and assigned to " + assignee) + "; only NEW cases can be taken");
        }
        if (caller.id().equals(openedBySupport)) {
            // otherwise an engineer could give itself an "open case" in any org it likes
            throw new AccessDenied("you opened case " + caseNumber + " on the customer's behalf; a team lead"
                    + " assigns it");
        }
        // taken as its engineer from then on, else as a lead or manager of the team
        Actor actor = caller.actingAs(caller.has(Roles.SUPPORT_ENGINEER) ? Roles.SUPPORT_ENGINEER
                : caller.teamRole(team).orElseThrow());
        apply(new CaseAssigned(caseNumber, orgId, caller.id(), null, CaseStatus.OPEN, actor));
        return state(null);
    }

    @CommandHandler
    public CaseState handle(ChangePriority command, CaseRules rules, DeadlineManager deadlines) {
        Actor actor = policy().requireWorker(command.caller(), "change the priority");
        requireNotClosed("change the priority of");
        if (command.priority() == null) {
            throw new InvalidInput("priority is required");
        }
        if (command.priority() == priority) {
            throw new RuleViolation("unchanged", "case " + caseNumber + " already has priority " + priority);
        }
        Priority from = priority;
        apply(new PriorityChanged(caseNumber, orgId, from, command.priority(), command.reason(), actor));
        breachIfOverdue();
        if (slaTarget == null || slaBreached) {
            return state(null); // no clock, or its breach stands
        }
        Duration shift = rules.sla(command.priority()).of(slaTarget).minus(rules.sla(from).of(slaTarget));
        if (slaDueAt != null) {
            startClock(slaTarget, slaDueAt.plus(shift), deadlines);
        } else {
            long remaining = Math.max(0, slaRemainingMillis + shift.toMillis());
            apply(new SlaClockPaused(caseNumber, orgId, slaTarget, remaining, Actor.SYSTEM));
        }
        return state(null);
    }

    @CommandHandler
    public CaseState handle(AddContact command) {
        requireAssociatedAdmin(command.caller(), "add contacts to it");
        requireNotClosed("change the contacts of");
        if (isBlank(command.contactId())) {
            throw new InvalidInput("contactId is required");
        }
        if (command.contactId().equals(openedBy) || contacts.contains(command.contactId())) {
            throw new RuleViolation("already-contact", command.contactId() + " is already a contact of case "
                    + caseNumber);
        }
        apply(new ContactAdded(caseNumber, orgId, command.contactId(), command.caller().actor()));
        return state(null);
    }

    @CommandHandler
    public CaseState handle(RemoveContact command) {
        Actor actor;
        if (policy().isCustomerOfCase(command.caller())) {
            requireAssociatedAdmin(command.caller(), "remove its contacts");
            actor = command.caller().actor();
        } else {
            actor = policy().requireWorker(command.caller(), "remove contacts");
        }
        requireNotClosed("change the contacts of");
        if (command.contactId() != null && command.contactId().equals(openedBy)) {
            throw new RuleViolation("opener-stays", "the admin who opened case " + caseNumber
                    + " stays its contact");
        }
        if (!contacts.contains(command.contactId())) {
            throw new RuleViolation("not-a-contact", command.contactId() + " is not a contact of case " + caseNumber);
        }
        apply(new ContactRemoved(caseNumber, orgId, command.contactId(), actor));
        return state(null);
    }

    @CommandHandler
    public CaseState handle(PostReply command, CaseRules rules, DeadlineManager deadlines,
                            Intermediaries intermediaries) {
        Caller caller = command.caller();
        requireText(command.body(), "body");
        if (policy().isCustomerOfCase(caller)) {
            requireNotClosed("write on", "; reopen it to write again");
            if (status == CaseStatus.RESOLVED_PENDING_CONFIRMATION) {
                throw new RuleViolation("resolution-pending", "case " + caseNumber
                        + " has a proposed resolution: confirm it, or reject it with your reason");
            }
            CaseStatus after = status == CaseStatus.PENDING_CUSTOMER ? CaseStatus.OPEN : status;
            apply(new ReplyPosted(caseNumber, orgId, command.messageId(), command.body(), after, caller.actor()));
            resumeClock(deadlines);
            return state(command.messageId());
        }
        Actor actor = policy().requireCorrespondent(caller, intermediaries.escalationManagerOf(caseNumber),
                "reply on this case");
        requireNotClosed("reply on");
        apply(new ReplyPosted(caseNumber, orgId, command.messageId(), command.body(), status, actor));
        supportWrote(rules, deadlines);
        return state(command.messageId());
    }

    /**
     * Support wrote to the customer (a reply, a call, a file shared, a remote session offered): on a case support is
     * to answer, it meets the first response or restarts the update interval; while the case waits for the customer
     * or for a confirmation, the clock stays as it is.
     */
    private void supportWrote(CaseRules rules, DeadlineManager deadlines) {
        if (status == CaseStatus.NEW || status == CaseStatus.OPEN) {
            supportResponded(rules, deadlines);
        }
    }

    /**
     * A phone call is correspondence as a reply of support is (it counts for the SLA); one in which the admin gave
     * what was asked for answers the request for information as a reply of the customer would.
     */
    @CommandHandler
    public CaseState handle(RecordPhoneCall command, CaseRules rules, DeadlineManager deadlines,
                            Intermediaries intermediaries) {
        Actor actor = policy().requireCorrespondent(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "record calls with the customer");
        requireNotClosed("record a call on");
        requireText(command.summary(), "summary");
        if (!command.contactId().equals(openedBy) && !contacts.contains(command.contactId())) {
            throw new InvalidInput("contactId: " + command.contactId() + " neither opened case " + caseNumber
                    + " nor is one of its contacts");
        }
        if (command.customerAnswered() && status != CaseStatus.PENDING_CUSTOMER) {
            throw new RuleViolation("nothing-requested", "case " + caseNumber + " is " + status + ": it waits for no"
                    + " answer from the customer; record the call without customerAnswered");
        }
        CaseStatus after = command.customerAnswered() ? CaseStatus.OPEN : status;
        apply(new PhoneCallRecorded(caseNumber, orgId, command.callId(), command.contactId(), command.summary(),
                command.customerAnswered(), after, actor));
        supportWrote(rules, deadlines);
        return state(command.callId());
    }

    @CommandHandler
    public CaseState handle(PostInternalNote command, Intermediaries intermediaries) {
        // the escalation manager who speaks to the customer answers support where the customer cannot read it
        Actor actor = policy().requireWorkerOrIntermediary(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "post internal notes");
        requireText(command.body(), "body");
        apply(new InternalNotePosted(caseNumber, orgId, command.noteId(), command.body(), actor));
        return state(command.noteId());
    }

    @CommandHandler
    public CaseState handle(RequestInformation command, CaseRules rules, DeadlineManager deadlines,
                            Intermediaries intermediaries) {
        Actor actor = policy().requireCorrespondent(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "request information");
        requireText(command.body(), "body");
        if (status != CaseStatus.OPEN) {
            throw new RuleViolation("illegal-transition", "information can be requested on OPEN cases; case "
                    + caseNumber + " is " + status);
        }
        apply(new InformationRequested(caseNumber, orgId, command.messageId(), command.body(), actor));
        supportResponded(rules, deadlines);
        pauseClock(deadlines);
        return state(command.messageId());
    }

    @CommandHandler
    public CaseState handle(ProposeResolution command, CaseRules rules, DeadlineManager deadlines,
                            Intermediaries intermediaries) {
        // a resolution is proposed to the customer: by its intermediary, as a reply is
        Actor actor = policy().requireCorrespondent(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "propose a resolution");
        requireText(command.summary(), "summary");
        if (status != CaseStatus.OPEN && status != CaseStatus.PENDING_CUSTOMER) {
            throw new RuleViolation("illegal-transition", "a resolution can be proposed on OPEN or PENDING_CUSTOMER"
                    + " cases; case " + caseNumber + " is " + status);
        }
        Instant autoClose = now().plus(rules.autoCloseAfter());
        apply(new ResolutionProposed(caseNumber, orgId, command.summary(), command.knowledgeArticleId(), autoClose,
                actor));
        stopClock(deadlines);
        deadlines.schedule(autoClose, AUTO_CLOSE_DEADLINE, new AutoCloseDue(autoClose));
        return state(null);
    }

    @CommandHandler
    public CaseState handle(ConfirmResolution command, DeadlineManager deadlines) {
        policy().requireCustomer(command.caller(), "confirm a resolution");
        requireResolutionPending("confirmed");
        deadlines.cancelAllWithinScope(AUTO_CLOSE_DEADLINE);
        if (!closedAutomaticallyIfDue()) {
            apply(new CaseClosed(caseNumber, orgId, CloseReason.CONFIRMED, command.caller().actor()));
        }
        return state(null);
    }

    /** After the auto-close time the case is closed automatically instead: the answer's status says CLOSED. */
    @CommandHandler
    public CaseState handle(RejectResolution command, CaseRules rules, DeadlineManager deadlines) {
        policy().requireCustomer(command.caller(), "reject a resolution");
        requireText(command.reason(), "reason");
        requireResolutionPending("rejected");
        deadlines.cancelAllWithinScope(AUTO_CLOSE_DEADLINE);
        if (closedAutomaticallyIfDue()) {
            return state(null);
        }
        apply(new ResolutionRejected(caseNumber, orgId, command.reason(), command.caller().actor()));
        startClock(SlaTarget.UPDATE_INTERVAL, now().plus(rules.sla(priority).updateInterval()), deadlines);
        return state(null);
    }

    /**
     * A resolution the customer left unanswered until its auto-close time is closed automatically, even when the
     * deadline has not fired yet (deadlines are polled, and fire late after downtime): an answer that comes after
     * that time finds the case closed, as it would have had the deadline fired on time. True when it closed.
     */
    private boolean closedAutomaticallyIfDue() {
        if (dueToCloseAutomatically()) {
            apply(new CaseClosed(caseNumber, orgId, CloseReason.AUTO_CLOSED, Actor.SYSTEM, autoCloseAt));
            return true;
        }
        return false;
    }

    @DeadlineHandler(deadlineName = AUTO_CLOSE_DEADLINE)
    void autoClose(AutoCloseDue due) {
        if (status == CaseStatus.RESOLVED_PENDING_CONFIRMATION && due.autoCloseAt().equals(autoCloseAt)) {
            apply(new CaseClosed(caseNumber, orgId, CloseReason.AUTO_CLOSED, Actor.SYSTEM, autoCloseAt));
        }
    }

    @CommandHandler
    public CaseState handle(ReopenCase command, CaseRules rules, CaseNumbers numbers, DeadlineManager deadlines)
            throws Exception {
        Long versionBefore = AggregateLifecycle.getVersion();
        Caller caller = command.caller();
        // the customer's decision alone (DOMAIN: reopen is the org admins'): support reopening a closed case would
        // hand itself an open case in the org again, and with it research and admin actions there
        policy().requireCustomer(caller, "reopen this case");
        if (closedAutomaticallyIfDue()) {
            // past its auto-close time, the case counts as closed (then), whether or not the deadline fired yet
            deadlines.cancelAllWithinScope(AUTO_CLOSE_DEADLINE);
        }
        if (status != CaseStatus.CLOSED) {
            throw new RuleViolation("illegal-transition", "only CLOSED cases can be reopened; case " + caseNumber
                    + " is " + status);
        }
        Instant now = now();
        if (ReopenWindow.allowsReopening(closedAt, now)) {
            apply(new CaseReopened(caseNumber, orgId, command.reason(), caller.actor()));
            startClock(SlaTarget.FIRST_RESPONSE, now.plus(rules.sla(priority).firstResponse()), deadlines);
            return state(null);
        }
        if (followUpCase != null) {
            throw new RuleViolation("already-followed-up", "case " + caseNumber + " was closed more than 21 days"
                    + " ago and is followed up by case " + followUpCase);
        }
        // a follow-up draws a case number, which no rollback gives back: a stale If-Match is refused before it (as
        // any refused opening draws none), not only once the handler is done
        ExpectedVersion.check((CommandMessage<?>) CurrentUnitOfWork.get().getMessage(), caseNumber, versionBefore);
        String followUp = numbers.next();
        String reason = isBlank(command.reason()) ? "Reopen requested for case " + caseNumber : command.reason();
        createNew(SupportCase.class, () -> new SupportCase(followUp, this, reason, caller.actor(), rules,
                deadlines));
        apply(new FollowUpCaseOpened(caseNumber, orgId, followUp, reason, caller.actor()));
        return state(null);
    }

    @CommandHandler
    public void handle(CheckUpload command, Intermediaries intermediaries) {
        requireMayUpload(command.caller(), command.internal(), intermediaries);
    }

    @CommandHandler
    public CaseState handle(RecordAttachment command, CaseRules rules, Intermediaries intermediaries,
                            DeadlineManager deadlines) {
        Caller caller = command.caller();
        Actor actor = requireMayUpload(caller, command.internal(), intermediaries);
        boolean customer = policy().isCustomerOfCase(caller);
        // a customer's file answers a request for information as a reply does (a HAR file, a screenshot)
        boolean answers = customer && status == CaseStatus.PENDING_CUSTOMER;
        apply(new AttachmentAdded(caseNumber, orgId, command.attachmentId(), command.fileName(),
                command.contentType(), command.sizeBytes(), command.sha256(), command.internal(),
                answers ? CaseStatus.OPEN : status, actor));
        if (answers) {
            resumeClock(deadlines);
        } else if (!customer && !command.internal()) {
            supportWrote(rules, deadlines); // a file support shares with the customer is correspondence
        }
        return state(command.attachmentId());
    }

    /** Whoever may upload, as the actor of the upload. */
    private Actor requireMayUpload(Caller caller, boolean internal, Intermediaries intermediaries) {
        boolean customer = policy().isCustomerOfCase(caller);
        Actor actor = caller.actor();
        if (customer) {
            if (internal) {
                throw new InvalidInput("internal files are support's; what a customer uploads is visible to the"
                        + " customer");
            }
        } else if (internal) {
            actor = policy().requireWorker(caller, "upload to this case");
        } else {
            // a file support shares with the customer is correspondence
            actor = policy().requireCorrespondent(caller, intermediaries.escalationManagerOf(caseNumber),
                    "share files with the customer");
        }
        requireNotClosed("upload to");
        if (customer && status == CaseStatus.RESOLVED_PENDING_CONFIRMATION) {
            // as for a reply: the customer's answer to a proposed resolution is to confirm or reject it
            throw new RuleViolation("resolution-pending", "case " + caseNumber + " has a proposed resolution:"
                    + " confirm it, or reject it with your reason, then upload");
        }
        return actor;
    }

    @CommandHandler
    public CaseState handle(LinkKnowledgeArticle command, Intermediaries intermediaries) {
        // the customer reads the reference on the timeline: it comes from its intermediary, as a reply does
        Actor actor = policy().requireCorrespondent(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "reference knowledge articles");
        requireNotClosed("reference articles on");
        requireText(command.articleId(), "articleId");
        apply(new KnowledgeArticleLinked(caseNumber, orgId, command.articleId(), command.title(), command.url(),
                actor));
        return state(command.articleId());
    }

    /** An offer of a remote session is correspondence: it counts for the SLA as a reply of support does. */
    @CommandHandler
    public CaseState handle(OfferRemoteSession command, CaseRules rules, Intermediaries intermediaries,
                            DeadlineManager deadlines) {
        Actor actor = policy().requireCorrespondent(command.caller(), intermediaries.escalationManagerOf(caseNumber),
                "offer remote sessions");
        requireNotClosed("offer a remote session on");
        requireText(command.joinUrl(), "joinUrl");
        Instant start = command.proposedStart();
        // a session proposed for a time gone by, or beyond a year (epoch milliseconds sent for seconds: year 57970)
        if (start != null && (start.isBefore(now().minus(Duration.ofHours(1)))
                || start.isAfter(now().plus(Duration.ofDays(366))))) {
            throw new InvalidInput("proposedStart: a time from the last hour to a year ahead");
        }
        apply(new RemoteSessionOffered(caseNumber, orgId, command.offerId(), command.joinUrl(),
                command.proposedStart(), command.note(), actor));
        supportWrote(rules, deadlines);
        return state(command.offerId());
    }

    @CommandHandler
    public CaseState handle(RecordConsultation command) {
        Actor actor = policy().requireWorker(command.caller(), "record consultations");
        if (command.party() == null) {
            throw new InvalidInput("party is required");
        }
        requireText(command.notes(), "notes");
        apply(new ConsultationRecorded(caseNumber, orgId, command.consultationId(), command.party(),
                command.consultant(), command.notes(), actor));
        return state(command.consultationId());
    }

    @DeadlineHandler(deadlineName = SLA_DEADLINE)
    void slaDue(SlaDue due) {
        if (due.target() == slaTarget && due.dueAt().equals(slaDueAt) && !slaBreached) {
            apply(new SlaBreached(caseNumber, orgId, due.target(), due.dueAt(), Actor.SYSTEM));
        }
    }

    // --- SLA clock ---------------------------------------------------------------------------------------

    /** A public message of support: meets the first response, or restarts the update interval. */
    private void supportResponded(CaseRules rules, DeadlineManager deadlines) {
        breachIfOverdue();
        if (slaTarget == SlaTarget.FIRST_RESPONSE && slaDueAt != null) {
            apply(new SlaClockStopped(caseNumber, orgId, SlaTarget.FIRST_RESPONSE, !slaBreached, Actor.SYSTEM));
        }
        startClock(SlaTarget.UPDATE_INTERVAL, now().plus(rules.sla(priority).updateInterval()), deadlines);
    }

    /**
     * A running clock past its due time is breached, whether its deadline has fired yet or not (deadlines are
     * polled, and fire late after downtime): support answering, or the clock moving, after the due time keeps the
     * breach on record.
     */
    private void breachIfOverdue() {
        if (slaTarget != null && slaDueAt != null && !slaBreached && now().isAfter(slaDueAt)) {
            apply(new SlaBreached(caseNumber, orgId, slaTarget, slaDueAt, Actor.SYSTEM));
        }
    }

    private void startClock(SlaTarget target, Instant dueAt, DeadlineManager deadlines) {
        breachIfOverdue();
        deadlines.cancelAllWithinScope(SLA_DEADLINE);
        runClock(target, dueAt, deadlines);
    }

    /** Starts the SLA clock where no SLA deadline is scheduled. */
    private void runClock(SlaTarget target, Instant dueAt, DeadlineManager deadlines) {
        apply(new SlaClockStarted(caseNumber, orgId, target, dueAt, Actor.SYSTEM));
        deadlines.schedule(dueAt, SLA_DEADLINE, new SlaDue(target, dueAt));
    }

    private void pauseClock(DeadlineManager deadlines) {
        if (slaTarget == null || slaDueAt == null) {
            return;
        }
        breachIfOverdue();
        deadlines.cancelAllWithinScope(SLA_DEADLINE);
        long remaining = Math.max(0, Duration.between(now(), slaDueAt).toMillis());
        apply(new SlaClockPaused(caseNumber, orgId, slaTarget, remaining, Actor.SYSTEM));
    }

    /** The customer answered: a paused clock runs again with what was left of it. */
    private void resumeClock(DeadlineManager deadlines) {
        if (slaTarget != null && slaDueAt == null) {
            startClock(slaTarget, now().plusMillis(slaRemainingMillis), deadlines);
        }
    }

    private void stopClock(DeadlineManager deadlines) {
        if (slaTarget == null) {
            return;
        }
        breachIfOverdue();
        deadlines.cancelAllWithinScope(SLA_DEADLINE);
        boolean met = !slaBreached && (slaDueAt == null || !now().isAfter(slaDueAt));
        apply(new SlaClockStopped(caseNumber, orgId, slaTarget, met, Actor.SYSTEM));
    }

    // --- state changes -----------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(CaseOpened event) {
        caseNumber = event.caseNumber();
        orgId = event.orgId();
        orgUrl = event.orgUrl();
        subject = event.subject();
        productArea = event.productArea();
        contactPreference = event.contactPreference();
        team = event.team();
        openedBy = event.openedBy();
        openedBySupport = event.actor().isCustomer() ? null : event.actor().id();
        contacts = new LinkedHashSet<>(event.contacts());
        priority = event.priority();
        status = CaseStatus.NEW;
    }

    @EventSourcingHandler
    void on(CaseAssigned event) {
        assignee = event.assignee();
        status = event.status();
    }

    @EventSourcingHandler
    void on(PriorityChanged event) {
        priority = event.to();
    }

    @EventSourcingHandler
    void on(ContactAdded event) {
        contacts.add(event.contactId());
    }

    @EventSourcingHandler
    void on(ContactRemoved event) {
        contacts.remove(event.contactId());
    }

    @EventSourcingHandler
    void on(ReplyPosted event) {
        status = event.status();
    }

    @EventSourcingHandler
    void on(PhoneCallRecorded event) {
        status = event.status();
    }

    @EventSourcingHandler
    void on(AttachmentAdded event) {
        if (event.status() != null) {
            status = event.status();
        }
    }

    @EventSourcingHandler
    void on(InformationRequested event) {
        status = CaseStatus.PENDING_CUSTOMER;
    }

    @EventSourcingHandler
    void on(ResolutionProposed event) {
        status = CaseStatus.RESOLVED_PENDING_CONFIRMATION;
        autoCloseAt = event.autoCloseAt();
    }

    @EventSourcingHandler
    void on(ResolutionRejected event) {
        status = CaseStatus.OPEN;
        autoCloseAt = null;
    }

    @EventSourcingHandler
    void on(CaseClosed event, @Timestamp Instant at) {
        status = CaseStatus.CLOSED;
        // closed automatically: at its auto-close time, however late the deadline fired (the reopen window counts
        // from it); the event says so, or, recorded before it did, the auto-close time it followed
        if (event.closedAt() != null) {
            closedAt = event.closedAt();
        } else {
            closedAt = event.reason() == CloseReason.AUTO_CLOSED && autoCloseAt != null && autoCloseAt.isBefore(at)
                    ? autoCloseAt : at;
        }
        autoCloseAt = null;
    }

    @EventSourcingHandler
    void on(CaseReopened event) {
        status = CaseStatus.OPEN;
        closedAt = null;
    }

    @EventSourcingHandler
    void on(FollowUpCaseOpened event) {
        followUpCase = event.followUpCaseNumber();
    }

    @EventSourcingHandler
    void on(SlaClockStarted event) {
        slaTarget = event.target();
        slaDueAt = event.dueAt();
        slaRemainingMillis = null;
        slaBreached = false;
    }

    @EventSourcingHandler
    void on(SlaClockPaused event) {
        slaTarget = event.target();
        slaDueAt = null;
        slaRemainingMillis = event.remainingMillis();
    }

    @EventSourcingHandler
    void on(SlaClockStopped event) {
        slaTarget = null;
        slaDueAt = null;
        slaRemainingMillis = null;
        slaBreached = false;
    }

    @EventSourcingHandler
    void on(SlaBreached event) {
        slaBreached = true;
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private CaseState state(String itemId) {
        return new CaseState(caseNumber, status, priority, assignee, followUpCase, itemId,
                AggregateLifecycle.getVersion() == null ? 0 : AggregateLifecycle.getVersion());
    }

    private CaseAccessPolicy policy() {
        return new CaseAccessPolicy(orgId, team, assignee);
    }

    /**
     * The admins associated with the case, its opener and its contacts, choose who else is: not any admin of the
     * org, nor support (consent is given by the opener or a contact; whoever could associate an admin could make
     * anyone a consenter).
     */
    private void requireAssociatedAdmin(Caller caller, String what) {
        policy().requireCustomer(caller, what);
        if (!caller.id().equals(openedBy) && !contacts.contains(caller.id())) {
            throw new AccessDenied("only the admin who opened case " + caseNumber + " or one of its contacts may "
                    + what);
        }
    }

    /** A resolution left unanswered until its auto-close time: the case counts as closed since then. */
    private boolean dueToCloseAutomatically() {
        return status == CaseStatus.RESOLVED_PENDING_CONFIRMATION && autoCloseAt != null
                && !now().isBefore(autoCloseAt);
    }

    private void requireNotClosed(String what) {
        requireNotClosed(what, "");
    }

    /**
     * Refuses work on a closed case, and on one past its auto-close time whose deadline has not fired yet (deadlines
     * are polled, and fire late after downtime): what comes after that time finds the case closed, as it would have
     * had the deadline fired on time. The deadline records the closure; a refusal records nothing.
     */
    private void requireNotClosed(String what, String advice) {
        if (status == CaseStatus.CLOSED) {
            throw new RuleViolation("closed", "case " + caseNumber + " is closed; cannot " + what + " it" + advice);
        }
        if (dueToCloseAutomatically()) {
            throw new RuleViolation("closed", "case " + caseNumber + " was closed automatically at " + autoCloseAt
                    + ", its proposed resolution unanswered; cannot " + what + " it" + advice);
        }
    }

    private void requireResolutionPending(String what) {
        if (status != CaseStatus.RESOLVED_PENDING_CONFIRMATION) {
            throw new RuleViolation("illegal-transition", "case " + caseNumber + " has no proposed resolution to be "
                    + what + "; it is " + status);
        }
    }

    private static void requireText(String value, String field) {
        if (isBlank(value)) {
            throw new InvalidInput(field + " must not be blank");
        }
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }
}
