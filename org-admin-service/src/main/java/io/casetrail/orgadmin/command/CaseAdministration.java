package io.casetrail.orgadmin.command;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateRoot;
import org.axonframework.modelling.command.CreationPolicy;

import com.fasterxml.jackson.annotation.JsonAutoDetect;

import io.casetrail.events.Actor;
import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.AdminActionRefused;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.events.orgadmin.ConsentExpired;
import io.casetrail.events.orgadmin.ConsentGiven;
import io.casetrail.events.orgadmin.ConsentWithdrawn;
import io.casetrail.events.orgadmin.FeatureFlagChanged;
import io.casetrail.events.orgadmin.ImpersonationWriteRefused;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.events.orgadmin.OrgResearched;
import io.casetrail.events.orgadmin.PasswordResetSent;
import io.casetrail.events.orgadmin.TemporaryPasswordSent;
import io.casetrail.orgadmin.command.AdminCommands.EndConsentsOfClosedCase;
import io.casetrail.orgadmin.command.AdminCommands.GiveWrittenConsent;
import io.casetrail.orgadmin.command.AdminCommands.RecordImpersonationWrite;
import io.casetrail.orgadmin.command.AdminCommands.RecordResearch;
import io.casetrail.orgadmin.command.AdminCommands.RecordVerbalConsent;
import io.casetrail.orgadmin.command.AdminCommands.RunAdminAction;
import io.casetrail.orgadmin.command.AdminCommands.Scope;
import io.casetrail.orgadmin.command.AdminCommands.WithdrawConsent;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/**
 * What support may do in a customer's org for one case: the consents the org's admins give on it, the few
 * administrative actions they allow, the research support does, and the writes refused during impersonation. One
 * aggregate per case, so that an action sees every consent of the case as it stands at that moment.
 *
 * <p>An action without live, matching consent is refused, and the refusal is recorded (the command succeeds with a
 * {@code REFUSED} outcome, so that the record is committed). The temporary password of an action exists only in
 * the e-mails: never in an event, the aggregate's state, a log or an answer.
 */
@AggregateRoot(type = "CaseAdministration")
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
                isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public class CaseAdministration {

    static final String CONSENT_EXPIRY = "consent-expiry";
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    /** Payload of a consent's expiry deadline. */
    public record ConsentDue(String consentId, Instant expiresAt) {
    }

    @AggregateIdentifier
    private String caseNumber;
    private String orgId;
    private Map<String, ConsentPolicy.Consent> consents = new LinkedHashMap<>();
    /**
     * Consents that expired. They stay among {@link #consents}, so that a refusal says the consent expired; one
     * restored from a snapshot taken when expired consents were dropped is here only: a withdrawal of it is 409,
     * not 404.
     */
    private Set<String> expiredConsents = new HashSet<>();

    protected CaseAdministration() {
        // for event sourcing, and for the first command of a case (CREATE_IF_MISSING)
    }

    // --- consent -----------------------------------------------------------------------------------------------

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public String handle(GiveWrittenConsent command, CaseLookup cases, IdentityPlatform platform,
                         DeadlineManager deadlines) {
        Caller caller = command.caller();
        KnownCase known = knownCase(cases, command.caseNumber());
        if (!caller.isCustomerOf(known.orgId())) {
            throw new AccessDenied("only an admin of the case's org consents on case " + known.caseNumber());
        }
        if (!cases.isOpenerOrContact(known.caseNumber(), caller.id())) {
            throw new AccessDenied("only the admin who opened case " + known.caseNumber() + " or one of its contacts"
                    + " consents on it");
        }
        requireOpen(known);
        Instant now = now();
        give(known, command.consentId(), caller.id(), ConsentChannel.API, now, scope(known, command.scope(), platform),
                now.plus(command.validFor()), caller.actor(), deadlines);
        return command.consentId();
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public String handle(RecordVerbalConsent command, CaseLookup cases, IdentityPlatform platform,
                         DeadlineManager deadlines, Intermediaries intermediaries) {
        KnownCase known = knownCase(cases, command.caseNumber());
        Actor recorder = requireIntermediary(command.caller(), known,
                intermediaries.escalationManagerOf(known.caseNumber()));
        requireOpen(known);
        if (command.channel() == null || command.channel() == ConsentChannel.API) {
            throw new InvalidInput("channel: verbal consent is given on the PHONE or in a REMOTE_SESSION");
        }
        if (command.caller().id().equals(command.givenBy())) {
            // support is never an admin of the org (no token is both), even as the opener it named for the case
            throw new InvalidInput("givenBy: verbal consent is an admin's, recorded by support; " + command.givenBy()
                    + " records it and cannot give it");
        }
        if (command.givenBy() == null || !cases.isOpenerOrContact(known.caseNumber(), command.givenBy())) {
            // the caller may record consent; the admin it names is what is wrong (as a phone call's contact)
            throw new InvalidInput("givenBy: verbal consent must name the admin who opened case "
                    + known.caseNumber() + " or one of its contacts; " + command.givenBy() + " is neither");
        }
        Instant now = now();
        Instant givenAt = command.givenAt() == null ? now : command.givenAt();
        if (givenAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new InvalidInput("givenAt: consent cannot be given in the future");
        }
        Instant expiresAt = givenAt.plus(command.validFor());
        if (!expiresAt.isAfter(now)) {
            throw new InvalidInput("givenAt: a consent given then has already expired");
        }
        // consent is given on the case as it is open now: not before it was opened, nor before it was last reopened
        // (what was given before a closure ended with it)
        if (known.openSince() != null && givenAt.isBefore(known.openSince().minus(CLOCK_SKEW))) {
            throw new InvalidInput("givenAt: case " + known.caseNumber() + " is open since " + known.openSince()
                    + "; consent recorded on it is given since then");
        }
        give(known, command.consentId(), command.givenBy(), command.channel(), givenAt,
                scope(known, command.scope(), platform), expiresAt, recorder, deadlines);
        return command.consentId();
    }

    /**
     * Created if missing only to refuse alike: one who may not withdraw the case's consents learns nothing of
     * whether support ever acted on the case (a case without a record would otherwise answer 404, and 403 one with).
     * Nothing is stored for a case without a record, as it has no consent to withdraw.
     */
    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(WithdrawConsent command, CaseLookup cases, Intermediaries intermediaries) {
        Caller caller = command.caller();
        KnownCase known = knownCase(cases, command.caseNumber());
        // the escalation manager who is the customer's intermediary hears a withdrawal as it hears a consent
        boolean intermediary = Intermediaries.isIntermediary(caller,
                intermediaries.escalationManagerOf(known.caseNumber()));
        if (!caller.isCustomerOf(known.orgId()) && !known.isWorkedBy(caller) && !intermediary) {
            throw new AccessDenied("only an admin of the case's org, support working case " + known.caseNumber()
                    + " or its escalation manager withdraws its consents");
        }
        ConsentPolicy.Consent consent = consents.get(command.consentId());
        if (consent == null && !expiredConsents.contains(command.consentId())) {
            throw new NotFound("case " + known.caseNumber() + " has no consent " + command.consentId());
        }
        if (consent == null || consent.withdrawn() || expiredConsents.contains(command.consentId())
                || !now().isBefore(consent.expiresAt())) {
            throw new RuleViolation("consent-ended", "consent " + command.consentId() + " has already ended");
        }
        apply(new ConsentWithdrawn(orgId, caseNumber, command.consentId(),
                caller.isCustomerOf(known.orgId()) ? caller.actor()
                        : intermediary ? caller.actingAs(Roles.ESCALATION_MANAGER) : known.actorWorking(caller)));
    }

    @DeadlineHandler(deadlineName = CONSENT_EXPIRY)
    void consentDue(ConsentDue due) {
        ConsentPolicy.Consent consent = consents.get(due.consentId());
        if (consent != null && !consent.withdrawn() && !expiredConsents.contains(due.consentId())
                && consent.expiresAt().equals(due.expiresAt())) {
            apply(new ConsentExpired(orgId, caseNumber, due.consentId(), due.expiresAt(), Actor.SYSTEM));
        }
    }

    /**
     * The case closed: consent is scoped to the case, and a case closed is over. Every consent still live that was
     * given before the closure expires at it, so none allows an action again if the case is reopened; the customer
     * consents anew. One given after it (on the reopened case) stands, when a rebuild of the known cases delivers
     * the closure again.
     */
    @CommandHandler
    public void handle(EndConsentsOfClosedCase command) {
        Instant now = now();
        for (ConsentPolicy.Consent consent : List.copyOf(consents.values())) {
            boolean givenBefore = consent.caseSequence() == null || consent.caseSequence() < command.sequence();
            if (givenBefore && !consent.withdrawn() && !expiredConsents.contains(consent.consentId())
                    && now.isBefore(consent.expiresAt())) {
                apply(new ConsentExpired(orgId, caseNumber, consent.consentId(), now, Actor.SYSTEM));
            }
        }
    }

    /**
     * The scope as the org knows it: users named by login become their ids (actions match consent by id), and a user
     * or flag the org does not have is refused (400): a consent that could never match would look given and allow
     * nothing. Users named for kinds of action that act on none (flags named without {@code FEATURE_FLAG}) are
     * refused too: such a consent would look restricted to them and cover every user (every flag).
     */
    private static Scope scope(KnownCase known, Scope scope, IdentityPlatform platform) {
        if (scope == null || scope.actionKinds().isEmpty()) {
            throw new InvalidInput("actionKinds: consent names at least one kind of action");
        }
        boolean flags = scope.actionKinds().contains(ActionKind.FEATURE_FLAG);
        boolean onUsers = scope.actionKinds().stream().anyMatch(kind -> kind != ActionKind.FEATURE_FLAG);
        if (!scope.targetUserIds().isEmpty() && !onUsers) {
            throw new InvalidInput("targetUserIds: FEATURE_FLAG acts on no user; name users only for RESET_PASSWORD,"
                    + " TEMPORARY_PASSWORD or RESET_MFA (the consent would cover every flag, not those users)");
        }
        if (!scope.featureFlags().isEmpty() && !flags) {
            throw new InvalidInput("featureFlags: only FEATURE_FLAG acts on a flag; " + scope.actionKinds()
                    + " would cover every user, not those flags");
        }
        Set<String> users = new LinkedHashSet<>();
        for (String user : scope.targetUserIds()) {
            try {
                users.add(platform.user(known.orgId(), user).id());
            } catch (NotFound unknown) {
                throw new InvalidInput("targetUserIds: org " + known.orgId() + " has no user " + user);
            }
        }
        for (String flag : scope.featureFlags()) {
            if (!platform.hasFeature(known.orgId(), flag)) {
                throw new InvalidInput("featureFlags: org " + known.orgId() + " has no feature flag " + flag);
            }
        }
        return new Scope(scope.actionKinds(), List.copyOf(users), scope.featureFlags());
    }

    private void give(KnownCase known, String consentId, String givenBy, ConsentChannel channel, Instant givenAt,
                      Scope scope, Instant expiresAt, Actor actor, DeadlineManager deadlines) {
        apply(new ConsentGiven(known.orgId(), known.caseNumber(), consentId, givenBy, channel, givenAt,
                scope.actionKinds(), scope.targetUserIds(), scope.featureFlags(), expiresAt, actor,
                known.statusSequence()));
        deadlines.schedule(expiresAt, CONSENT_EXPIRY, new ConsentDue(consentId, expiresAt));
    }

    // --- research and actions ----------------------------------------------------------------------------------

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordResearch command, CaseLookup cases) {
        KnownCase known = heldCase(cases, command.caseNumber(), command.orgId(), command.caller(),
                "research org " + command.orgId());
        apply(new OrgResearched(known.orgId(), known.caseNumber(), command.resource(), command.query(),
                command.results(), known.actorWorking(command.caller())));
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public ActionOutcome handle(RunAdminAction command, CaseLookup cases, IdentityPlatform platform, Mailbox mail) {
        KnownCase known = heldCase(cases, command.caseNumber(), command.orgId(), command.caller(),
                "take administrative actions in org " + command.orgId());
        Actor actor = known.actorWorking(command.caller());
        if (command.target() == null || command.target().isBlank()) {
            throw new InvalidInput("the action needs a user or a feature flag");
        }
        // for users, consent names them by id: resolve a login first (unknown users and flags are a 404, not a
        // refusal: a refusal on record names something the org has)
        IdentityPlatform.UserRef user = command.kind() == ActionKind.FEATURE_FLAG ? null
                : platform.user(known.orgId(), command.target());
        if (command.kind() == ActionKind.FEATURE_FLAG && !platform.hasFeature(known.orgId(), command.target())) {
            throw new NotFound("org " + known.orgId() + " has no feature flag " + command.target());
        }
        String target = user == null ? command.target() : user.id();
        ConsentPolicy.Decision decision = ConsentPolicy.decide(consents.values(), expiredConsents,
                known.caseNumber(), command.kind(), target, now(),
                admin -> cases.isOpenerOrContact(known.caseNumber(), admin));
        if (decision.consentId().isEmpty()) {
            apply(new AdminActionRefused(known.orgId(), known.caseNumber(), command.kind(), target,
                    command.kind() == ActionKind.FEATURE_FLAG ? command.enable() : null, decision.reason(), actor,
                    user == null ? null : user.login()));
            return ActionOutcome.refused(known.caseNumber(), command.kind(), target, decision.reason());
        }
        String consentId = decision.consentId().get();
        return switch (command.kind()) {
            case RESET_PASSWORD -> resetPassword(known, consentId, user, platform, mail, actor);
            case TEMPORARY_PASSWORD -> temporaryPassword(known, consentId, user, platform, mail, actor);
            case RESET_MFA -> resetMfa(known, consentId, user, platform, actor);
            case FEATURE_FLAG -> featureFlag(known, consentId, command, platform, actor);
        };
    }

    private ActionOutcome resetPassword(KnownCase known, String consentId, IdentityPlatform.UserRef user,
                                        IdentityPlatform platform, Mailbox mail, Actor actor) {
        String link = platform.resetPassword(known.orgId(), user);
        // applied first: the event is appended before the mail goes, so a reset that cannot be recorded (another
        // instance recorded something on the case first) sends nothing
        apply(new PasswordResetSent(known.orgId(), known.caseNumber(), consentId, user.id(), user.login(), actor));
        mail.sendOnCommit(new Mailbox.Message(List.of(user.email()), "Reset your password",
                "Hello,\n\nAt your administrator's request, support reset the password of " + user.login() + ".\n"
                        + "Choose a new password here (the link works once):\n\n" + link + "\n\nSupport case "
                        + known.caseNumber() + "\n"));
        return new ActionOutcome(known.caseNumber(), ActionKind.RESET_PASSWORD, user.id(), ActionOutcome.Status.DONE,
                null, consentId, 1, null, null);
    }

    private ActionOutcome temporaryPassword(KnownCase known, String consentId, IdentityPlatform.UserRef user,
                                            IdentityPlatform platform, Mailbox mail, Actor actor) {
        String password = platform.setTemporaryPassword(known.orgId(), user);
        List<String> recipients = new ArrayList<>(List.of(user.email()));
        if (user.secondEmail() != null && !user.secondEmail().isBlank()
                && !user.secondEmail().equalsIgnoreCase(user.email())) {
            recipients.add(user.secondEmail());
        }
        // applied first, as a reset link is
        apply(new TemporaryPasswordSent(known.orgId(), known.caseNumber(), consentId, user.id(), user.login(),
                recipients.size(), actor));
        // one message to both addresses: the server takes it for both or for neither (a send that failed halfway
        // would have left one address with a password that the failed command never recorded)
        mail.sendOnCommit(new Mailbox.Message(List.copyOf(recipients), "Your temporary password",
                "Hello,\n\nAt your administrator's request, support set a temporary password for " + user.login()
                        + ":\n\n" + password + "\n\nYou will be asked to choose a new one when you sign in.\n\n"
                        + "Support case " + known.caseNumber() + "\n"));
        return new ActionOutcome(known.caseNumber(), ActionKind.TEMPORARY_PASSWORD, user.id(),
                ActionOutcome.Status.DONE, null, consentId, recipients.size(), null, null);
    }

    private ActionOutcome resetMfa(KnownCase known, String consentId, IdentityPlatform.UserRef user,
                                   IdentityPlatform platform, Actor actor) {
        List<String> removed = platform.resetFactors(known.orgId(), user);
        apply(new MfaFactorsReset(known.orgId(), known.caseNumber(), consentId, user.id(), user.login(), removed,
                actor));
        return new ActionOutcome(known.caseNumber(), ActionKind.RESET_MFA, user.id(), ActionOutcome.Status.DONE, null,
                consentId, null, removed, null);
    }

    private ActionOutcome featureFlag(KnownCase known, String consentId, RunAdminAction command,
                                      IdentityPlatform platform, Actor actor) {
        IdentityPlatform.FeatureChange change = platform.setFeature(known.orgId(), command.target(),
                command.enable(), command.force());
        if (!change.changed()) {
            // nothing was done: nothing goes on record (a second "enable" entry would read as a second change)
            return new ActionOutcome(known.caseNumber(), ActionKind.FEATURE_FLAG, command.target(),
                    ActionOutcome.Status.DONE, null, consentId, null, null, command.enable());
        }
        apply(new FeatureFlagChanged(known.orgId(), known.caseNumber(), consentId, command.target(), change.name(),
                command.enable(), change.forced(), actor));
        return new ActionOutcome(known.caseNumber(), ActionKind.FEATURE_FLAG, command.target(),
                ActionOutcome.Status.DONE, null, consentId, null, null, command.enable());
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public void handle(RecordImpersonationWrite command) {
        apply(new ImpersonationWriteRefused(command.orgId(), command.caseNumber(), command.sessionId(),
                command.method(), command.path(), new Actor(command.actorId(), command.actorName(),
                Actor.Kind.SUPPORT, Roles.IMPERSONATION)));
    }

    // --- state changes ---------------------------------------------------------------------------------------

    @EventSourcingHandler
    void on(ConsentGiven event) {
        identify(event.caseNumber(), event.orgId());
        consents.put(event.consentId(), new ConsentPolicy.Consent(event.consentId(), event.givenBy(),
                event.actionKinds(), event.targetUserIds(), event.featureFlags(), event.expiresAt(), false,
                event.caseSequence()));
    }

    @EventSourcingHandler
    void on(ConsentWithdrawn event) {
        consents.computeIfPresent(event.consentId(), (id, consent) -> consent.asWithdrawn());
    }

    @EventSourcingHandler
    void on(ConsentExpired event) {
        expiredConsents.add(event.consentId());
    }

    @EventSourcingHandler
    void on(OrgResearched event) {
        identify(event.caseNumber(), event.orgId());
    }

    @EventSourcingHandler
    void on(AdminActionRefused event) {
        identify(event.caseNumber(), event.orgId());
    }

    @EventSourcingHandler
    void on(ImpersonationWriteRefused event) {
        identify(event.caseNumber(), event.orgId());
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private void identify(String number, String org) {
        caseNumber = number;
        orgId = org;
    }

    /**
     * The open case of the org that the caller holds (its engineer, or a lead or manager of its team): what research
     * and actions need. Who may not act learns nothing of the case's state: 404 only for a case nobody knows, then
     * 403, and 409 {@code case-closed} only for its holder.
     */
    public static KnownCase heldCase(CaseLookup cases, String number, String orgId, Caller caller, String what) {
        KnownCase known = knownCase(cases, number);
        // who does not hold the case is refused alike whichever org it is of: the refusal tells no case's org
        requireWorker(caller, known, what);
        requireOrg(known, orgId);
        requireOpen(known);
        return known;
    }

    private static KnownCase knownCase(CaseLookup cases, String number) {
        return cases.find(number).orElseThrow(() -> new NotFound("there is no case " + number));
    }

    private static void requireOpen(KnownCase known) {
        if (!known.isOpen()) {
            throw new RuleViolation("case-closed", "case " + known.caseNumber() + " is closed");
        }
    }

    private static void requireOrg(KnownCase known, String org) {
        if (org != null && !org.equals(known.orgId())) {
            throw new AccessDenied("case " + known.caseNumber() + " is not a case of org " + org);
        }
    }

    /**
     * Who speaks with the customer on the case, and so hears its verbal consent: support working it, or while an
     * escalation manager is the customer's intermediary, that manager only ({@link Intermediaries#requireCorrespondent},
     * as case-service holds the customer's correspondence).
     */
    private static Actor requireIntermediary(Caller caller, KnownCase known, Optional<String> escalationManager) {
        return Intermediaries.requireCorrespondent(caller, escalationManager, () -> {
            requireWorker(caller, known, "record verbal consent");
            return known.actorWorking(caller);
        }, "record the customer's verbal consent");
    }

    private static void requireWorker(Caller caller, KnownCase known, String what) {
        if (!known.isWorkedBy(caller)) {
            throw new AccessDenied(caller.isCustomer() ? "customers do not " + what
                    : "only support holding case " + known.caseNumber() + " (its engineer, or a lead or manager of"
                    + " its team) may " + what);
        }
    }

    private static Instant now() {
        return GenericEventMessage.clock.instant();
    }
}
