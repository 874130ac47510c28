package io.casetrail.orgadmin.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.casetrail.events.Actor;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.AdminActionRefused;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.events.orgadmin.ConsentExpired;
import io.casetrail.events.orgadmin.ConsentGiven;
import io.casetrail.events.orgadmin.ConsentWithdrawn;
import io.casetrail.events.orgadmin.FeatureFlagChanged;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.events.orgadmin.OrgResearched;
import io.casetrail.events.orgadmin.PasswordResetSent;
import io.casetrail.events.orgadmin.TemporaryPasswordSent;
import io.casetrail.orgadmin.command.AdminCommands.EndConsentsOfClosedCase;
import io.casetrail.orgadmin.command.AdminCommands.GiveWrittenConsent;
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

/** The consent rules of administrative actions, as given / when / then on the case's aggregate. */
class CaseAdministrationTest {

    static final String CASE = "00100001";
    static final String ORG = "org-acme";
    static final Caller ADA = new Caller("admin-ada", "Ada", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    static final Caller BO = new Caller("admin-bo", "Bo", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    static final Caller ZED = new Caller("admin-zed", "Zed", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    static final Caller OZ = new Caller("admin-oz", "Oz", Set.of(Roles.ORG_ADMIN), "org-other", Set.of());
    static final Caller TOM = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
    static final Caller TIA = new Caller("tse-tia", "Tia", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
    static final Caller LEAD = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));

    /** When case 00100001 was opened: an hour before the tests' time. */
    static final Instant OPEN_SINCE = Instant.now().minus(Duration.ofHours(1));

    /** Case 00100001 of Acme: opened by Ada, Bo a contact, assigned to Tom. */
    static final CaseLookup FACTS = new CaseLookup() {
        final Map<String, KnownCase> cases = Map.of(CASE, new KnownCase(CASE, ORG, "SSO", "sso", "tse-tom",
                "admin-ada", null, CaseStatus.OPEN, 2L, OPEN_SINCE, 0L), "00100002", new KnownCase("00100002", ORG, "old",
                "sso", "tse-tom", "admin-ada", null, CaseStatus.CLOSED, 2L, null, null));

        @Override
        public Optional<KnownCase> find(String caseNumber) {
            return Optional.ofNullable(cases.get(caseNumber));
        }

        @Override
        public boolean isOpenerOrContact(String caseNumber, String adminId) {
            return adminId.equals("admin-ada") || adminId.equals("admin-bo");
        }
    };

    /** An in-memory identity platform: one user, two flags where beta depends on base. */
    static final class Platform implements IdentityPlatform {
        final List<String> calls = new ArrayList<>();

        @Override
        public UserRef user(String orgId, String userIdOrLogin) {
            if (!userIdOrLogin.equals("00u1alice") && !userIdOrLogin.equals("alice@acme.example")) {
                throw new io.casetrail.platform.errors.NotFound("no user " + userIdOrLogin);
            }
            return new UserRef("00u1alice", "alice@acme.example", "alice@acme.example", "alice@home.example");
        }

        @Override
        public boolean hasFeature(String orgId, String flagId) {
            return flagId.equals("ftrBASE") || flagId.equals("ftrBETA");
        }

        @Override
        public String resetPassword(String orgId, UserRef user) {
            calls.add("reset-password " + user.id());
            return "https://acme.okta.com/reset_password/T0KEN";
        }

        @Override
        public String setTemporaryPassword(String orgId, UserRef user) {
            calls.add("temporary-password " + user.id());
            return "Secr3tTemporary!";
        }

        @Override
        public List<String> resetFactors(String orgId, UserRef user) {
            calls.add("reset-factors " + user.id());
            return List.of("push", "sms");
        }

        @Override
        public FeatureChange setFeature(String orgId, String flagId, boolean enabled, boolean force) {
            calls.add("feature " + flagId + " " + enabled);
            // ftrBASE is enabled already
            return new FeatureChange("Beta feature", force, !("ftrBASE".equals(flagId) && enabled));
        }
    }

    /** Messages handed to the mailbox (sent when the unit of work commits). */
    static final class Outbox implements Mailbox {
        final List<Message> messages = new ArrayList<>();

        @Override
        public void sendOnCommit(Message message) {
            messages.add(message);
        }
    }

    AggregateTestFixture<CaseAdministration> fixture;
    Platform platform;
    Outbox outbox;
    Instant t0;

    /** The escalation manager of each case's active escalation, as escalation-service's events would name it. */
    final Map<String, String> escalationManagers = new HashMap<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(CaseAdministration.class);
        platform = new Platform();
        outbox = new Outbox();
        fixture.registerInjectableResource(FACTS);
        fixture.registerInjectableResource(platform);
        fixture.registerInjectableResource(outbox);
        fixture.registerInjectableResource((Intermediaries) number -> Optional.ofNullable(
                escalationManagers.get(number)));
        t0 = fixture.currentTime();
    }

    /** A consent given on the case as {@link #FACTS} know it (its status from its event 2). */
    ConsentGiven consent(String id, ActionKind kind, List<String> users) {
        return new ConsentGiven(ORG, CASE, id, "admin-ada", ConsentChannel.API, t0, List.of(kind), users, List.of(),
                t0.plus(Duration.ofHours(24)), ADA.actor(), 2L);
    }

    RunAdminAction action(ActionKind kind, String target, Caller caller) {
        return new RunAdminAction(CASE, ORG, kind, target, true, false, caller);
    }

    // --- who may consent -------------------------------------------------------------------------------------

    @Test
    void openerGivesWrittenConsentForTwentyFourHours() {
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_PASSWORD),
                        List.of("00u1alice"), List.of()), Duration.ofHours(24), ADA))
                .expectEvents(consent("c-1", ActionKind.RESET_PASSWORD, List.of("00u1alice")))
                .expectScheduledDeadline(Duration.ofHours(24),
                        new CaseAdministration.ConsentDue("c-1", t0.plus(Duration.ofHours(24))));
    }

    /** Consent names users and flags the org has: a login is kept as the user's id; an unknown one is a 400. */
    @Test
    void consentScopesNameUsersAndFlagsTheOrgHas() {
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_PASSWORD),
                        List.of("alice@acme.example", "00u1alice"), List.of()), Duration.ofHours(24), ADA))
                .expectEvents(consent("c-1", ActionKind.RESET_PASSWORD, List.of("00u1alice")));
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_PASSWORD),
                        List.of("alice@acme.exampel"), List.of()), Duration.ofHours(24), ADA))
                .expectException(InvalidInput.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-bo", ConsentChannel.PHONE, null,
                        new Scope(List.of(ActionKind.FEATURE_FLAG), null, List.of("ftrBETA", "ftrNOPE")),
                        Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class).expectNoEvents();
        // who records a verbal consent does not give it (support is no admin of the org, even named the opener)
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-3", "tse-tom", ConsentChannel.PHONE, null,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class)
                .expectExceptionMessage("givenBy: verbal consent is an admin's, recorded by support; tse-tom records"
                        + " it and cannot give it")
                .expectNoEvents();
    }

    /**
     * While an escalation manager is the customer's intermediary, that manager hears and records the customer's
     * verbal consent; the case's engineer is told so (409), anyone else refused (403).
     */
    @Test
    void whileAnEscalationManagerIsTheIntermediaryOnlyThatManagerRecordsVerbalConsent() {
        escalationManagers.put(CASE, "em-eve");
        Caller eve = new Caller("em-eve", "Eve", Set.of(Roles.ESCALATION_MANAGER), null, Set.of());
        Caller max = new Caller("em-max", "Max", Set.of(Roles.ESCALATION_MANAGER), null, Set.of());
        Scope mfa = new Scope(List.of(ActionKind.RESET_MFA), null, null);
        fixture.givenNoPriorActivity().when(new RecordVerbalConsent(CASE, "c-1", "admin-bo", ConsentChannel.PHONE,
                null, mfa, Duration.ofHours(24), TOM)).expectException(RuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("em-eve")).expectNoEvents();
        fixture.givenNoPriorActivity().when(new RecordVerbalConsent(CASE, "c-1", "admin-bo", ConsentChannel.PHONE,
                null, mfa, Duration.ofHours(24), max)).expectException(AccessDenied.class).expectNoEvents();
        fixture.givenNoPriorActivity().when(new RecordVerbalConsent(CASE, "c-1", "admin-bo", ConsentChannel.PHONE,
                null, mfa, Duration.ofHours(24), eve)).expectEvents(new ConsentGiven(ORG, CASE, "c-1", "admin-bo",
                ConsentChannel.PHONE, t0, List.of(ActionKind.RESET_MFA), List.of(), List.of(),
                t0.plus(Duration.ofHours(24)), new Actor("em-eve", "Eve", Actor.Kind.SUPPORT,
                        Roles.ESCALATION_MANAGER), 2L));
        escalationManagers.clear(); // the escalation ended: the case's engineer again
        fixture.givenNoPriorActivity().when(new RecordVerbalConsent(CASE, "c-1", "admin-bo", ConsentChannel.PHONE,
                null, mfa, Duration.ofHours(24), eve)).expectException(AccessDenied.class);
        fixture.givenNoPriorActivity().when(new RecordVerbalConsent(CASE, "c-1", "admin-bo", ConsentChannel.PHONE,
                null, mfa, Duration.ofHours(24), TOM)).expectSuccessfulHandlerExecution();
    }

    @Test
    void contactOfTheCaseMayConsentButAnotherAdminOfTheOrgMayNot() {
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_MFA), null, null),
                        Duration.ofHours(1), BO))
                .expectSuccessfulHandlerExecution();
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_MFA), null, null),
                        Duration.ofHours(1), ZED))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    /** The org is checked, not the id alone: an admin of another org with the opener's id consents nothing. */
    @Test
    void customerOfAnotherOrgCannotConsent() {
        Caller adaElsewhere = new Caller("admin-ada", "Ada", Set.of(Roles.ORG_ADMIN), "org-other", Set.of());
        for (Caller outsider : List.of(OZ, adaElsewhere)) {
            fixture.givenNoPriorActivity()
                    .when(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_MFA), null, null),
                            Duration.ofHours(1), outsider))
                    .expectException(AccessDenied.class)
                    .expectExceptionMessage("only an admin of the case's org consents on case " + CASE)
                    .expectNoEvents();
        }
    }

    /** Who may not act on a case learns nothing of its state: a closed case is a 403 to them, as an open one is. */
    @Test
    void whoMayNotActLearnsNotWhetherTheCaseIsClosed() {
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent("00100002", "c-1", new Scope(List.of(ActionKind.RESET_MFA), null, null),
                        Duration.ofHours(1), OZ))
                .expectException(AccessDenied.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent("00100002", "c-1", "admin-ada", ConsentChannel.PHONE, null,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(1), TIA))
                .expectException(AccessDenied.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordResearch("00100002", ORG, "users", "alice", 1, TIA))
                .expectException(AccessDenied.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RunAdminAction("00100002", "org-other", ActionKind.RESET_MFA, "00u1alice", true, false, TOM))
                .expectException(AccessDenied.class).expectNoEvents();
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void researchOnAClosedCaseIsRefusedAndNothingRecorded() {
        // 00100002 is Tom's, but closed
        fixture.givenNoPriorActivity()
                .when(new RecordResearch("00100002", ORG, "users", "alice", 1, TOM))
                .expectException(RuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void actionOnAClosedCaseIsRefusedAndNothingRecorded() {
        fixture.givenNoPriorActivity()
                .when(new RunAdminAction("00100002", ORG, ActionKind.RESET_MFA, "00u1alice", true, false, TOM))
                .expectException(RuleViolation.class)
                .expectNoEvents();
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void actionsNeedTheCaseAssignedToTheEngineer() {
        // an engineer the case is not assigned to (as after a reassignment away from them) runs nothing, even with
        // live consent on the case
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TIA))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void consentOnAClosedCaseIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new GiveWrittenConsent("00100002", "c-1", new Scope(List.of(ActionKind.RESET_MFA), null, null),
                        Duration.ofHours(1), ADA))
                .expectException(RuleViolation.class);
        // recorded by the engineer whose case it was, naming its opener
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent("00100002", "c-1", "admin-ada", ConsentChannel.PHONE, null,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(1), TOM))
                .expectException(RuleViolation.class).expectNoEvents();
    }

    /** Verbal consent said in the future, or said so long ago that it has expired, is refused: never live later. */
    @Test
    void verbalConsentIsGivenWhenSaidAndExpiresFromThen() {
        Scope mfa = new Scope(List.of(ActionKind.RESET_MFA), null, null);
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE,
                        t0.plus(Duration.ofDays(30)), mfa, Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class).expectExceptionMessage("givenAt: consent cannot be given in the"
                        + " future").expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE,
                        t0.minus(Duration.ofHours(25)), mfa, Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class).expectExceptionMessage("givenAt: a consent given then has"
                        + " already expired").expectNoEvents();
        // nor is it given before the case was opened (or last reopened): the case it is for was not open then
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE,
                        OPEN_SINCE.minus(Duration.ofMinutes(2)), mfa, Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class).expectExceptionMessage("givenAt: case " + CASE + " is open since "
                        + OPEN_SINCE + "; consent recorded on it is given since then").expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE,
                        OPEN_SINCE.plus(Duration.ofSeconds(1)), mfa, Duration.ofHours(24), TOM))
                .expectSuccessfulHandlerExecution();
        // within the clock skew a minute ahead is now
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE,
                        t0.plus(Duration.ofSeconds(30)), mfa, Duration.ofHours(24), TOM))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void engineerRecordsVerbalConsentNamingTheAdminChannelAndTime() {
        Instant said = t0.minus(Duration.ofMinutes(10));
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-bo", ConsentChannel.PHONE, said,
                        new Scope(List.of(ActionKind.RESET_MFA), List.of("00u1alice"), null), Duration.ofHours(24),
                        TOM))
                .expectEvents(new ConsentGiven(ORG, CASE, "c-2", "admin-bo", ConsentChannel.PHONE, said,
                        List.of(ActionKind.RESET_MFA), List.of("00u1alice"), List.of(), said.plus(Duration.ofHours(24)),
                        TOM.actor(), 2L));
    }

    @Test
    void verbalConsentMustNameAnAdminOfTheCase() {
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-zed", ConsentChannel.PHONE, t0,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.API, t0,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(24), TOM))
                .expectException(InvalidInput.class);
        fixture.givenNoPriorActivity()
                .when(new RecordVerbalConsent(CASE, "c-2", "admin-ada", ConsentChannel.PHONE, t0,
                        new Scope(List.of(ActionKind.RESET_MFA), null, null), Duration.ofHours(24), TIA))
                .expectException(AccessDenied.class);
    }

    // --- actions ---------------------------------------------------------------------------------------------

    @Test
    void passwordResetWithMatchingConsentSendsTheResetLink() {
        fixture.given(consent("c-1", ActionKind.RESET_PASSWORD, List.of("00u1alice")))
                .when(action(ActionKind.RESET_PASSWORD, "alice@acme.example", TOM))
                .expectEvents(new PasswordResetSent(ORG, CASE, "c-1", "00u1alice", "alice@acme.example", TOM.actor()));
        assertThat(platform.calls).containsExactly("reset-password 00u1alice");
        assertThat(outbox.messages).singleElement().satisfies(m -> {
            assertThat(m.to()).containsExactly("alice@acme.example");
            assertThat(m.text()).contains("https://acme.okta.com/reset_password/T0KEN");
        });
    }

    @Test
    void temporaryPasswordGoesToBothAddressesAndNowhereElse() {
        fixture.given(consent("c-1", ActionKind.TEMPORARY_PASSWORD, List.of()))
                .when(action(ActionKind.TEMPORARY_PASSWORD, "00u1alice", TOM))
                .expectEvents(new TemporaryPasswordSent(ORG, CASE, "c-1", "00u1alice", "alice@acme.example", 2,
                        TOM.actor()))
                .expectResultMessagePayloadMatching(org.hamcrest.Matchers.hasToString(
                        org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("Secr3tTemporary!"))));
        // one message to both addresses: the server takes it for both or for neither
        assertThat(outbox.messages).singleElement().satisfies(m -> {
            assertThat(m.to()).containsExactly("alice@acme.example", "alice@home.example");
            assertThat(m.text()).contains("Secr3tTemporary!");
        });
    }

    @Test
    void mfaResetRemovesEveryFactor() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of("00u1alice")))
                .when(action(ActionKind.RESET_MFA, "00u1alice", LEAD))
                .expectEvents(new MfaFactorsReset(ORG, CASE, "c-1", "00u1alice", "alice@acme.example",
                        List.of("push", "sms"), LEAD.actor()));
    }

    @Test
    void featureFlagChangeWithConsentForThatFlag() {
        fixture.given(new ConsentGiven(ORG, CASE, "c-1", "admin-ada", ConsentChannel.API, t0,
                        List.of(ActionKind.FEATURE_FLAG), List.of(), List.of("ftrBETA"), t0.plus(Duration.ofHours(24)),
                        ADA.actor()))
                .when(action(ActionKind.FEATURE_FLAG, "ftrBETA", TOM))
                .expectEvents(new FeatureFlagChanged(ORG, CASE, "c-1", "ftrBETA", "Beta feature", true, false,
                        TOM.actor()));
        // a flag already as asked: done, and nothing on record
        fixture.given(new ConsentGiven(ORG, CASE, "c-1", "admin-ada", ConsentChannel.API, t0,
                        List.of(ActionKind.FEATURE_FLAG), List.of(), List.of("ftrBASE"), t0.plus(Duration.ofHours(24)),
                        ADA.actor()))
                .when(action(ActionKind.FEATURE_FLAG, "ftrBASE", TOM))
                .expectSuccessfulHandlerExecution().expectNoEvents()
                .expectResultMessagePayload(new ActionOutcome(CASE, ActionKind.FEATURE_FLAG, "ftrBASE",
                        ActionOutcome.Status.DONE, null, "c-1", null, null, true));
    }

    @Test
    void consentForOneFlagAllowsNoOtherFlagAndTheRefusalSaysWhichWayItWasAsked() {
        fixture.given(new ConsentGiven(ORG, CASE, "c-1", "admin-ada", ConsentChannel.API, t0,
                        List.of(ActionKind.FEATURE_FLAG), List.of(), List.of("ftrBETA"), t0.plus(Duration.ofHours(24)),
                        ADA.actor()))
                .when(new RunAdminAction(CASE, ORG, ActionKind.FEATURE_FLAG, "ftrBASE", false, false, TOM))
                .expectEvents(new AdminActionRefused(ORG, CASE, ActionKind.FEATURE_FLAG, "ftrBASE", false,
                        "no live consent on case " + CASE + " covers FEATURE_FLAG for ftrBASE", TOM.actor(), null));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void aFlagTheOrgDoesNotHaveIsNotFoundAndNothingIsRecorded() {
        fixture.given(new ConsentGiven(ORG, CASE, "c-1", "admin-ada", ConsentChannel.API, t0,
                        List.of(ActionKind.FEATURE_FLAG), List.of(), List.of(), t0.plus(Duration.ofHours(24)),
                        ADA.actor()))
                .when(new RunAdminAction(CASE, ORG, ActionKind.FEATURE_FLAG, "ftrOTHER", true, false, TOM))
                .expectException(NotFound.class).expectNoEvents();
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void aConsentGivenByAnAdminNoLongerOnTheCaseAllowsNothing() {
        fixture.given(new ConsentGiven(ORG, CASE, "c-1", "admin-cy", ConsentChannel.API, t0,
                        List.of(ActionKind.FEATURE_FLAG), List.of(), List.of(), t0.plus(Duration.ofHours(24)),
                        ADA.actor()))
                .when(new RunAdminAction(CASE, ORG, ActionKind.FEATURE_FLAG, "ftrBETA", true, false, TOM))
                .expectEvents(new AdminActionRefused(ORG, CASE, ActionKind.FEATURE_FLAG, "ftrBETA", true,
                        "consent c-1 was given by admin-cy, no longer the case's opener or one of its contacts",
                        TOM.actor(), null));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void actionWithoutConsentIsRefusedAndTheRefusalRecorded() {
        fixture.givenNoPriorActivity()
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEvents(new AdminActionRefused(ORG, CASE, ActionKind.RESET_MFA, "00u1alice", null,
                        "no consent was given on case " + CASE, TOM.actor(), "alice@acme.example"));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void expiredConsentAllowsNothing() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .andGivenCurrentTime(t0.plus(Duration.ofHours(24)))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("expired"));
        // and so it says once its expiry is recorded: the refusal reaches the customer's System Log
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()), new ConsentExpired(ORG, CASE, "c-1",
                        t0.plus(Duration.ofHours(24)), Actor.SYSTEM))
                .andGivenCurrentTime(t0.plus(Duration.ofHours(25)))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("consent c-1 expired at " + t0.plus(Duration.ofHours(24))));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void withdrawnConsentAllowsNothing() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()),
                        new ConsentWithdrawn(ORG, CASE, "c-1", ADA.actor()))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("withdrawn"));
        assertThat(platform.calls).isEmpty();
    }

    /** The reason names the consent that would have covered the action, not one that ended for something else. */
    @Test
    void aRefusalIsNotBlamedOnAnUnrelatedConsentThatEnded() {
        fixture.given(consent("c-1", ActionKind.RESET_PASSWORD, List.of()),
                        consent("c-2", ActionKind.RESET_MFA, List.of()),
                        new ConsentExpired(ORG, CASE, "c-2", t0.plus(Duration.ofHours(24)), Actor.SYSTEM))
                .andGivenCurrentTime(t0.plus(Duration.ofHours(25)))
                .when(action(ActionKind.TEMPORARY_PASSWORD, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("no live consent on case " + CASE + " covers TEMPORARY_PASSWORD"));
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()),
                        new ConsentWithdrawn(ORG, CASE, "c-1", ADA.actor()),
                        consent("c-2", ActionKind.RESET_PASSWORD, List.of()))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("consent c-1 was withdrawn"));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void consentForAnotherKindOrUserAllowsNothing() {
        fixture.given(consent("c-1", ActionKind.RESET_PASSWORD, List.of("00u9bob")))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("covers RESET_MFA"));
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of("00u9bob")))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TOM))
                .expectEventsMatching(refusedBecause("for 00u1alice"));
        assertThat(platform.calls).isEmpty();
    }

    @Test
    void engineerNotHoldingTheCaseIsRefusedWithoutARecord() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(action(ActionKind.RESET_MFA, "00u1alice", TIA))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new RunAdminAction(CASE, "org-other", ActionKind.RESET_MFA, "00u1alice", true, false, TOM))
                .expectException(AccessDenied.class);
    }

    @Test
    void consentExpiresThroughItsDeadline() {
        fixture.givenCommands(new GiveWrittenConsent(CASE, "c-1", new Scope(List.of(ActionKind.RESET_MFA), null,
                        null), Duration.ofHours(2), ADA))
                .whenTimeElapses(Duration.ofHours(2))
                .expectEvents(new ConsentExpired(ORG, CASE, "c-1", t0.plus(Duration.ofHours(2)), Actor.SYSTEM));
    }

    /**
     * A closure ends the consents given before it (the case's event 4 here); one given after it, on the reopened case
     * (at its event 6), stands when the closure is delivered again by a rebuild of the known cases.
     */
    @Test
    void aClosureEndsOnlyTheConsentsGivenBeforeIt() {
        Instant now = t0.plus(Duration.ofHours(1));
        ConsentGiven beforeClosure = new ConsentGiven(ORG, CASE, "c-1", "admin-ada", ConsentChannel.API, t0,
                List.of(ActionKind.RESET_MFA), List.of(), List.of(), t0.plus(Duration.ofHours(24)), ADA.actor(), 3L);
        ConsentGiven afterReopen = new ConsentGiven(ORG, CASE, "c-2", "admin-ada", ConsentChannel.API, t0,
                List.of(ActionKind.RESET_MFA), List.of(), List.of(), t0.plus(Duration.ofHours(24)), ADA.actor(), 6L);
        // recorded before consents kept their place among the case's events: given before any closure
        ConsentGiven unplaced = new ConsentGiven(ORG, CASE, "c-0", "admin-ada", ConsentChannel.API, t0,
                List.of(ActionKind.RESET_PASSWORD), List.of(), List.of(), t0.plus(Duration.ofHours(24)), ADA.actor());
        fixture.given(beforeClosure, afterReopen, unplaced)
                .andGivenCurrentTime(now)
                .when(new EndConsentsOfClosedCase(CASE, 4))
                .expectEvents(new ConsentExpired(ORG, CASE, "c-1", now, Actor.SYSTEM),
                        new ConsentExpired(ORG, CASE, "c-0", now, Actor.SYSTEM));
        fixture.given(afterReopen)
                .when(new EndConsentsOfClosedCase(CASE, 4))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(afterReopen)
                .andGivenCurrentTime(now)
                .when(new EndConsentsOfClosedCase(CASE, 7))
                .expectEvents(new ConsentExpired(ORG, CASE, "c-2", now, Actor.SYSTEM));
    }

    /** A consent that ended by expiring is withdrawn no more (409 consent-ended), as one withdrawn before. */
    @Test
    void aConsentThatExpiredIsNoLongerWithdrawn() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()), new ConsentExpired(ORG, CASE, "c-1",
                        t0.plus(Duration.ofHours(24)), Actor.SYSTEM))
                .when(new WithdrawConsent(CASE, "c-1", BO))
                .expectException(RuleViolation.class)
                .expectExceptionMessage("consent c-1 has already ended")
                .expectNoEvents();
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new WithdrawConsent(CASE, "c-2", BO))
                .expectException(NotFound.class);
    }

    @Test
    void customerWithdrawsConsent() {
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new WithdrawConsent(CASE, "c-1", BO))
                .expectEvents(new ConsentWithdrawn(ORG, CASE, "c-1", BO.actor()));
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new WithdrawConsent(CASE, "c-1", OZ))
                .expectException(AccessDenied.class);
        // support withdraws one only on a case it holds
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new WithdrawConsent(CASE, "c-1", TIA))
                .expectException(AccessDenied.class).expectNoEvents();
    }

    /** A principal with several roles acts, on record, in the one that lets it act here, not its first. */
    @Test
    void eventsRecordTheRoleTheCallerActedIn() {
        Caller tomAlsoManager = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER, Roles.SUPPORT_MANAGER),
                null, Set.of("sso"));
        assertThat(tomAlsoManager.actor().role()).isEqualTo(Roles.SUPPORT_MANAGER); // its first role
        Actor asEngineer = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        fixture.givenNoPriorActivity() // as the case's engineer
                .when(new RecordResearch(CASE, ORG, "users", "alice", 1, tomAlsoManager))
                .expectEvents(new OrgResearched(ORG, CASE, "users", "alice", 1, asEngineer));
        fixture.given(consent("c-1", ActionKind.RESET_PASSWORD, List.of("00u1alice")))
                .when(action(ActionKind.RESET_PASSWORD, "alice@acme.example", tomAlsoManager))
                .expectEvents(new PasswordResetSent(ORG, CASE, "c-1", "00u1alice", "alice@acme.example",
                        asEngineer));
        fixture.given(consent("c-1", ActionKind.RESET_MFA, List.of()))
                .when(new WithdrawConsent(CASE, "c-1", tomAlsoManager))
                .expectEvents(new ConsentWithdrawn(ORG, CASE, "c-1", asEngineer));
        Caller luAlsoEngineer = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_ENGINEER,
                Roles.SUPPORT_MANAGER), null, Set.of("sso"));
        fixture.givenNoPriorActivity() // not the case's engineer: as a lead of its team
                .when(action(ActionKind.RESET_MFA, "00u1alice", luAlsoEngineer))
                .expectEvents(new AdminActionRefused(ORG, CASE, ActionKind.RESET_MFA, "00u1alice", null,
                        "no consent was given on case " + CASE, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT,
                        Roles.TEAM_LEAD), "alice@acme.example"));
    }

    @Test
    void researchIsRecordedOnlyForSupportHoldingTheCase() {
        fixture.givenNoPriorActivity()
                .when(new RecordResearch(CASE, ORG, "users", "alice", 1, TOM))
                .expectEvents(new OrgResearched(ORG, CASE, "users", "alice", 1, TOM.actor()));
        fixture.givenNoPriorActivity()
                .when(new RecordResearch(CASE, ORG, "users", "alice", 1, TIA))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordResearch(CASE, "org-other", "users", "alice", 1, TOM))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new RecordResearch(CASE, ORG, "users", "alice", 1, ADA))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    private static org.hamcrest.Matcher<java.util.List<org.axonframework.messaging.Message<?>>> refusedBecause(
            String reason) {
        return org.axonframework.test.matchers.Matchers.payloadsMatching(
                org.axonframework.test.matchers.Matchers.exactSequenceOf(
                        new org.hamcrest.CustomTypeSafeMatcher<AdminActionRefused>("a refusal because " + reason) {
                            @Override
                            protected boolean matchesSafely(AdminActionRefused refused) {
                                return refused.reason().contains(reason);
                            }
                        }, org.axonframework.test.matchers.Matchers.andNoMore()));
    }
}
