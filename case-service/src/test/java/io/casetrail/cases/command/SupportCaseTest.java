package io.casetrail.cases.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.casetrail.events.Actor;
import io.casetrail.events.cases.AttachmentAdded;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ConsultationParty;
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
import io.casetrail.platform.cases.Intermediaries;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** The rules of the support case lifecycle, as given / when / then on the aggregate. */
class SupportCaseTest {

    static final String CASE = "00100001";
    static final String ORG = "org-acme";
    static final String URL = "https://acme.okta.com";

    static final Caller CUSTOMER = new Caller("admin-ada", "Ada Admin", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    static final Caller OTHER_CUSTOMER = new Caller("admin-oz", "Oz", Set.of(Roles.ORG_ADMIN), "org-other", Set.of());
    static final Caller TSE = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
    static final Caller OTHER_TSE = new Caller("tse-tia", "Tia", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
    static final Caller MFA_TSE = new Caller("tse-mo", "Mo", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("mfa"));
    static final Caller LEAD = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
    static final Caller MFA_LEAD = new Caller("lead-max", "Max", Set.of(Roles.TEAM_LEAD), null, Set.of("mfa"));
    static final Caller AUDITOR = new Caller("aud-al", "Al", Set.of(Roles.AUDITOR), null, Set.of());

    static final CaseRules RULES = CaseRules.defaults();

    static final Caller EM = new Caller("em-eve", "Eve", Set.of(Roles.ESCALATION_MANAGER), null, Set.of());
    static final Caller OTHER_EM = new Caller("em-ed", "Ed", Set.of(Roles.ESCALATION_MANAGER), null, Set.of());

    AggregateTestFixture<SupportCase> fixture;
    Instant t0;
    /** The escalation manager of the case's active escalation, as escalation-service's events told case-service. */
    String escalationManager;

    @BeforeEach
    void setUp() {
        fixture = newFixture(RULES);
        t0 = fixture.currentTime();
    }

    AggregateTestFixture<SupportCase> newFixture(CaseRules rules) {
        AggregateTestFixture<SupportCase> created = new AggregateTestFixture<>(SupportCase.class);
        created.registerInjectableResource(rules);
        created.registerInjectableResource((CaseNumbers) () -> "00200001");
        created.registerInjectableResource((Intermediaries) caseNumber -> Optional.ofNullable(
                CASE.equals(caseNumber) ? escalationManager : null));
        return created;
    }

    // --- events and commands used by many tests -------------------------------------------------------------

    static OpenCase open(Caller by, String openedBy) {
        return new OpenCase(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP", ProductArea.SSO,
                Priority.P2, ContactPreference.EMAIL, openedBy, List.of("admin-bo"), by);
    }

    static CaseOpened opened() {
        return new CaseOpened(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP", ProductArea.SSO,
                Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of("admin-bo"), "sso", null, CUSTOMER.actor());
    }

    /** Assigned, information requested, the update clock paused with five hours left. */
    static Object[] waitingForTheCustomerWithFiveHoursLeft() {
        return new Object[] {opened(), assigned(), informationRequested(),
                new SlaClockPaused(CASE, ORG, SlaTarget.UPDATE_INTERVAL, Duration.ofHours(5).toMillis(), Actor.SYSTEM)};
    }

    static CaseAssigned assigned() {
        return new CaseAssigned(CASE, ORG, TSE.id(), null, CaseStatus.OPEN, LEAD.actor());
    }

    static InformationRequested informationRequested() {
        return new InformationRequested(CASE, ORG, "m-1", "Which app?", TSE.actor());
    }

    ResolutionProposed proposed() {
        return new ResolutionProposed(CASE, ORG, "Fixed the ACS URL", null, t0.plus(Duration.ofDays(7)), TSE.actor());
    }

    static CaseClosed closed() {
        return new CaseClosed(CASE, ORG, CloseReason.CONFIRMED, CUSTOMER.actor());
    }

    SlaClockStarted clock(SlaTarget target, Instant dueAt) {
        return new SlaClockStarted(CASE, ORG, target, dueAt, Actor.SYSTEM);
    }

    static PostReply reply(Caller by) {
        return new PostReply(CASE, "m-9", "Here is more", by);
    }

    // --- opening --------------------------------------------------------------------------------------------

    @Nested
    class Opening {

        @Test
        void customerOpensCaseForOwnOrgAndTheFirstResponseClockStarts() {
            fixture.givenNoPriorActivity()
                    .when(open(CUSTOMER, null))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))))
                    .expectScheduledDeadline(Duration.ofHours(4),
                            new SupportCase.SlaDue(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))));
        }

        @Test
        void customerCannotOpenCaseForAnotherOrg() {
            fixture.givenNoPriorActivity()
                    .when(open(OTHER_CUSTOMER, null))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void supportOpensCaseOnCustomersBehalfForTheNamedAdmin() {
            CaseOpened expected = new CaseOpened(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP",
                    ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of("admin-bo"), "sso",
                    null, TSE.actor());
            fixture.givenNoPriorActivity()
                    .when(open(TSE, "admin-ada"))
                    .expectEvents(expected, clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))));
        }

        /** The event names the role that let support open the case, not another its principal holds besides. */
        @Test
        void supportOpeningOnBehalfActsInTheRoleThatLetsItOpen() {
            Caller managerAndEngineer = new Caller("tse-eve", "Eve", Set.of(Roles.ESCALATION_MANAGER,
                    Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
            CaseOpened expected = new CaseOpened(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP",
                    ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of("admin-bo"), "sso",
                    null, managerAndEngineer.actingAs(Roles.SUPPORT_ENGINEER));
            fixture.givenNoPriorActivity()
                    .when(open(managerAndEngineer, "admin-ada"))
                    .expectEvents(expected, clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))));
        }

        @Test
        void supportOpeningOnBehalfNamesNeitherOpenerNorContactItself() {
            fixture.givenNoPriorActivity()
                    .when(open(TSE, TSE.id()))
                    .expectException(InvalidInput.class)
                    .expectExceptionMessage("openedBy: support opening a case on a customer's behalf names the org"
                            + " admin it is for, not itself")
                    .expectNoEvents();
            fixture.givenNoPriorActivity()
                    .when(new OpenCase(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP",
                            ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada",
                            List.of("admin-bo", TSE.id()), TSE))
                    .expectException(InvalidInput.class)
                    .expectExceptionMessage("contacts: support opening a case on a customer's behalf names admins of"
                            + " the org to contact, not itself")
                    .expectNoEvents();
        }

        @Test
        void supportOpeningOnBehalfMustNameTheAdmin() {
            fixture.givenNoPriorActivity()
                    .when(open(TSE, null))
                    .expectException(InvalidInput.class)
                    .expectNoEvents();
        }

        @Test
        void auditorCannotOpenCases() {
            fixture.givenNoPriorActivity()
                    .when(open(AUDITOR, "admin-ada"))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void caseRoutesToTheTeamOfItsProductArea() {
            OpenCase mfaCase = new OpenCase(CASE, ORG, URL, "Push not arriving", "d", ProductArea.MFA, Priority.P4,
                    ContactPreference.PHONE, null, List.of(), CUSTOMER);
            fixture.givenNoPriorActivity()
                    .when(mfaCase)
                    .expectEvents(new CaseOpened(CASE, ORG, URL, "Push not arriving", "d", ProductArea.MFA,
                                    Priority.P4, ContactPreference.PHONE, "admin-ada", List.of(), "mfa", null,
                                    CUSTOMER.actor()),
                            clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(24))));
        }
    }

    // --- assignment and priority ----------------------------------------------------------------------------

    @Nested
    class Assignment {

        @Test
        void leadAssignsNewCaseWhichBecomesOpen() {
            fixture.given(opened())
                    .when(new AssignCase(CASE, TSE.id(), LEAD))
                    .expectEvents(new CaseAssigned(CASE, ORG, TSE.id(), null, CaseStatus.OPEN, LEAD.actor()));
        }

        @Test
        void reassignmentKeepsTheStatus() {
            fixture.given(opened(), assigned(), informationRequested())
                    .when(new AssignCase(CASE, OTHER_TSE.id(), LEAD))
                    .expectEvents(new CaseAssigned(CASE, ORG, OTHER_TSE.id(), TSE.id(), CaseStatus.PENDING_CUSTOMER,
                            LEAD.actor()));
        }

        @Test
        void leadOfAnotherTeamCannotAssign() {
            fixture.given(opened())
                    .when(new AssignCase(CASE, TSE.id(), MFA_LEAD))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void engineerCannotAssign() {
            fixture.given(opened())
                    .when(new AssignCase(CASE, TSE.id(), TSE))
                    .expectException(AccessDenied.class);
        }

        @Test
        void engineerTakesNewCaseFromItsTeamQueue() {
            fixture.given(opened())
                    .when(new TakeCase(CASE, TSE))
                    .expectEvents(new CaseAssigned(CASE, ORG, TSE.id(), null, CaseStatus.OPEN, TSE.actor()));
        }

        @Test
        void engineerOfAnotherTeamCannotTakeTheCase() {
            fixture.given(opened())
                    .when(new TakeCase(CASE, MFA_TSE))
                    .expectException(AccessDenied.class);
        }

        @Test
        void engineerWhoOpenedACaseOnTheCustomersBehalfCannotTakeIt() {
            CaseOpened bySupport = openedOnBehalfBy(TSE);
            fixture.given(bySupport)
                    .when(new TakeCase(CASE, TSE))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.given(bySupport)
                    .when(new AssignCase(CASE, TSE.id(), LEAD))
                    .expectSuccessfulHandlerExecution();
        }

        @Test
        void leadWhoOpenedACaseOnTheCustomersBehalfCannotAssignItToItself() {
            fixture.given(openedOnBehalfBy(LEAD))
                    .when(new AssignCase(CASE, LEAD.id(), LEAD))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void leadWhoOpenedACaseOnTheCustomersBehalfAssignsItToAnEngineer() {
            fixture.given(openedOnBehalfBy(LEAD))
                    .when(new AssignCase(CASE, TSE.id(), LEAD))
                    .expectEvents(new CaseAssigned(CASE, ORG, TSE.id(), null, CaseStatus.OPEN, LEAD.actor()));
        }

        private static CaseOpened openedOnBehalfBy(Caller support) {
            return new CaseOpened(CASE, ORG, URL, "SAML login fails", "Users get a 400 from the IdP", ProductArea.SSO,
                    Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of("admin-bo"), "sso", null,
                    support.actor());
        }

        @Test
        void followUpSubjectStaysWithinTheSubjectLimit() {
            String longSubject = "x".repeat(500);
            CaseOpened longCase = new CaseOpened(CASE, ORG, URL, longSubject, "d", ProductArea.SSO, Priority.P2,
                    ContactPreference.EMAIL, "admin-ada", List.of(), "sso", null, CUSTOMER.actor());
            fixture.given(longCase, assigned(), proposed(), closed())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(30)))
                    .when(new ReopenCase(CASE, "again", CUSTOMER))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.listWithAnyOf(
                            new org.hamcrest.CustomTypeSafeMatcher<CaseOpened>("a follow-up of 500 characters") {
                                @Override
                                protected boolean matchesSafely(CaseOpened opened) {
                                    return opened.subject().length() == 500
                                            && opened.subject().startsWith("Follow-up to " + CASE);
                                }
                            })));
        }

        @Test
        void takingAnAssignedCaseIsRefused() {
            fixture.given(opened(), assigned())
                    .when(new TakeCase(CASE, OTHER_TSE))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
        }

        @Test
        void priorityChangeRetargetsTheRunningClock() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))))
                    .when(new ChangePriority(CASE, Priority.P1, "production down", LEAD))
                    .expectEvents(new PriorityChanged(CASE, ORG, Priority.P2, Priority.P1, "production down",
                                    LEAD.actor()),
                            clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(1))))
                    .expectScheduledDeadline(Duration.ofHours(1),
                            new SupportCase.SlaDue(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(1))));
        }

        @Test
        void customerCannotChangePriority() {
            fixture.given(opened())
                    .when(new ChangePriority(CASE, Priority.P1, "please", CUSTOMER))
                    .expectException(AccessDenied.class);
        }
    }

    // --- correspondence and status transitions ---------------------------------------------------------------

    @Nested
    class Correspondence {

        /**
         * An event names the role that let its actor act on the case (events.md), not whichever of its roles comes
         * first: a lead of another team who is also an engineer, assigned the case, acts as its engineer; a lead of
         * the case's team who is also an engineer, not assigned, as its lead; an escalation manager who is also a
         * lead of the team, as the customer's intermediary, as escalation manager.
         */
        @Test
        void eventsNameTheRoleTheCallerActedIn() {
            Caller leadAndEngineer = new Caller("lead-lea", "Lea", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_ENGINEER),
                    null, Set.of("mfa"));
            fixture.given(opened(), new CaseAssigned(CASE, ORG, "lead-lea", null, CaseStatus.OPEN, LEAD.actor()))
                    .when(new PostInternalNote(CASE, "n-1", "Looking", leadAndEngineer))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-1", "Looking",
                            leadAndEngineer.actingAs(Roles.SUPPORT_ENGINEER)));
            Caller ssoLeadAndEngineer = new Caller("lead-lou", "Lou", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_ENGINEER),
                    null, Set.of("sso"));
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-2", "Seen", ssoLeadAndEngineer))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-2", "Seen",
                            ssoLeadAndEngineer.actingAs(Roles.TEAM_LEAD)));
            escalationManager = "em-lu";
            Caller managerAndLead = new Caller("em-lu", "Lu", Set.of(Roles.TEAM_LEAD, Roles.ESCALATION_MANAGER), null,
                    Set.of("sso"));
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-3", "On it", managerAndLead))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-3", "On it",
                            managerAndLead.actingAs(Roles.ESCALATION_MANAGER)));
        }

        @Test
        void firstPublicReplyOfSupportMeetsTheFirstResponseTargetAndStartsTheUpdateClock() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .when(reply(TSE))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, TSE.actor()),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, true, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
        }

        @Test
        void laterPublicReplyOfSupportRestartsTheUpdateClock() {
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(2))))
                    .when(reply(TSE))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, TSE.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
        }

        /** A file shared with the customer, or a remote session offered, is support writing as a reply is. */
        @Test
        void aFileSharedOrARemoteSessionOfferedCountsAsAReply() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .when(new RecordAttachment(CASE, "a-1", "metadata.xml", "text/xml", 5, "cd", false, TSE))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-1", "metadata.xml", "text/xml", 5, "cd", false,
                                    CaseStatus.OPEN, TSE.actor()),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, true, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(2))))
                    .when(new OfferRemoteSession(CASE, "r-1", "https://meet/1", null, "screen share", TSE))
                    .expectEvents(new RemoteSessionOffered(CASE, ORG, "r-1", "https://meet/1", null, "screen share",
                                    TSE.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
            // an internal file is not
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(2))))
                    .when(new RecordAttachment(CASE, "a-2", "heap.hprof", "application/octet-stream", 5, "cd", true,
                            TSE))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-2", "heap.hprof", "application/octet-stream", 5,
                            "cd", true, CaseStatus.OPEN, TSE.actor()));
        }

        @Test
        void engineerNotAssignedToTheCaseCannotReply() {
            fixture.given(opened(), assigned())
                    .when(reply(OTHER_TSE))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void customerOfAnotherOrgCannotReply() {
            fixture.given(opened(), assigned())
                    .when(reply(OTHER_CUSTOMER))
                    .expectException(AccessDenied.class);
        }

        @Test
        void customerReplyOnAnOpenCaseKeepsItOpen() {
            fixture.given(opened(), assigned())
                    .when(reply(CUSTOMER))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN,
                            CUSTOMER.actor()));
        }

        @Test
        void requestForInformationMovesTheCaseToPendingCustomerAndPausesTheClock() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .when(new RequestInformation(CASE, "m-1", "Which app?", TSE))
                    .expectEvents(informationRequested(),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, true, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))),
                            new SlaClockPaused(CASE, ORG, SlaTarget.UPDATE_INTERVAL, Duration.ofHours(8).toMillis(),
                                    Actor.SYSTEM))
                    .expectNoScheduledDeadlines();
        }

        @Test
        void customerReplyOnAPendingCaseMovesItBackToOpenAndResumesTheClock() {
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(3)))
                    .when(reply(CUSTOMER))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN,
                                    CUSTOMER.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofDays(3)).plus(Duration.ofHours(5))))
                    .expectScheduledDeadline(Duration.ofHours(5), new SupportCase.SlaDue(SlaTarget.UPDATE_INTERVAL,
                            t0.plus(Duration.ofDays(3)).plus(Duration.ofHours(5))));
        }

        @Test
        void customerCannotReplyToAProposedResolutionButConfirmsOrRejectsIt() {
            fixture.given(opened(), assigned(), proposed())
                    .when(reply(CUSTOMER))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
        }

        @Test
        void internalNotesAreForSupportOnly() {
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-1", "Customer seems to use an old cert", CUSTOMER))
                    .expectException(AccessDenied.class);
        }

        @Test
        void assignedEngineerPostsInternalNotes() {
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-1", "Old cert?", TSE))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-1", "Old cert?", TSE.actor()));
        }

        @Test
        void whileAnEscalationManagerIsTheIntermediaryOnlyTheyWriteToTheCustomer() {
            escalationManager = EM.id();
            fixture.given(opened(), assigned())
                    .when(reply(TSE))
                    .expectException(RuleViolation.class)
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "escalation manager em-eve is the customer's intermediary"))
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new RequestInformation(CASE, "m-1", "Which app?", LEAD))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(reply(OTHER_EM))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(2))))
                    .when(reply(EM))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, EM.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .when(new RequestInformation(CASE, "m-1", "Which app?", EM))
                    .expectEvents(new InformationRequested(CASE, ORG, "m-1", "Which app?", EM.actor()),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, true, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))),
                            new SlaClockPaused(CASE, ORG, SlaTarget.UPDATE_INTERVAL, Duration.ofHours(8).toMillis(),
                                    Actor.SYSTEM));
            // internal notes stay the case workers' way to reach the manager
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-1", "Customer asks for an ETA", TSE))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-1", "Customer asks for an ETA", TSE.actor()));
            // and the manager answers the same way; another escalation manager may not
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-2", "ETA is Friday", EM))
                    .expectEvents(new InternalNotePosted(CASE, ORG, "n-2", "ETA is Friday", EM.actor()));
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-3", "me too", OTHER_EM))
                    .expectException(AccessDenied.class).expectNoEvents();
        }

        /**
         * A resolution proposed, or a knowledge article referenced, is read by the customer: while an escalation
         * manager is its intermediary, that manager proposes and references, and the case's workers are told so.
         */
        @Test
        void whileAnEscalationManagerIsTheIntermediaryOnlyTheyProposeAResolutionOrReferenceAnArticle() {
            escalationManager = EM.id();
            fixture.given(opened(), assigned())
                    .when(new ProposeResolution(CASE, "Fixed the ACS URL", null, TSE))
                    .expectException(RuleViolation.class)
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "escalation manager em-eve is the customer's intermediary"))
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new LinkKnowledgeArticle(CASE, "KB-1", "SAML basics", "https://kb/1", LEAD))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new ProposeResolution(CASE, "Fixed the ACS URL", null, OTHER_EM))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new ProposeResolution(CASE, "Fixed the ACS URL", null, EM))
                    .expectSuccessfulHandlerExecution()
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                            org.hamcrest.Matchers.equalTo(new ResolutionProposed(CASE, ORG, "Fixed the ACS URL",
                                    null, t0.plus(Duration.ofDays(7)), EM.actor())),
                            Matchers.andNoMore())));
            fixture.given(opened(), assigned())
                    .when(new LinkKnowledgeArticle(CASE, "KB-1", "SAML basics", "https://kb/1", EM))
                    .expectEvents(new KnowledgeArticleLinked(CASE, ORG, "KB-1", "SAML basics", "https://kb/1",
                            EM.actor()));
        }

        @Test
        void anEscalationManagerWhoIsNotTheIntermediaryPostsNoInternalNotes() {
            fixture.given(opened(), assigned())
                    .when(new PostInternalNote(CASE, "n-1", "hello", EM))
                    .expectException(AccessDenied.class).expectNoEvents();
        }

        @Test
        void whileAnEscalationManagerIsTheIntermediaryOnlyTheyShareFilesAndOfferRemoteSessions() {
            escalationManager = EM.id();
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-1", "fix.txt", "text/plain", 5, "cd", false, TSE))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new OfferRemoteSession(CASE, "r-1", "https://meet/1", null, "screen share", LEAD))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-2", "trace.log", "text/plain", 5, "cd", true, TSE))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-2", "trace.log", "text/plain", 5, "cd", true,
                            CaseStatus.OPEN, TSE.actor()));
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-3", "fix.txt", "text/plain", 5, "cd", false, EM))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-3", "fix.txt", "text/plain", 5, "cd", false,
                                    CaseStatus.OPEN, EM.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-4", "fix.txt", "text/plain", 5, "cd", true, EM))
                    .expectException(AccessDenied.class);
        }

        @Test
        void withoutAnEscalationManagerAnEscalationManagerCannotWriteToTheCustomer() {
            fixture.given(opened(), assigned())
                    .when(reply(EM))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void customerUploadsNothingToAProposedResolutionButConfirmsOrRejectsIt() {
            fixture.given(opened(), assigned(), proposed())
                    .when(new RecordAttachment(CASE, "a-1", "har.har", "application/json", 10, "abc", false,
                            CUSTOMER))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
        }

        @Test
        void blankReplyIsInvalid() {
            fixture.given(opened(), assigned())
                    .when(new PostReply(CASE, "m-1", "  ", CUSTOMER))
                    .expectException(InvalidInput.class);
        }
    }

    // --- resolution and closure --------------------------------------------------------------------------------

    @Nested
    class PhoneCalls {

        RecordPhoneCall call(String with, boolean answered, Caller by) {
            return new RecordPhoneCall(CASE, "call-1", with, "Ada read the app name out: HR portal", answered, by);
        }

        PhoneCallRecorded recorded(String with, boolean answered, CaseStatus after) {
            return new PhoneCallRecorded(CASE, ORG, "call-1", with, "Ada read the app name out: HR portal", answered,
                    after, TSE.actor());
        }

        @Test
        void anAnsweringCallMovesAPendingCaseBackToOpenAndRestartsTheUpdateClock() {
            Instant later = t0.plus(Duration.ofDays(1));
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .andGivenCurrentTime(later)
                    .when(call("admin-ada", true, TSE))
                    .expectEvents(recorded("admin-ada", true, CaseStatus.OPEN),
                            clock(SlaTarget.UPDATE_INTERVAL, later.plus(Duration.ofHours(8))))
                    .expectScheduledDeadline(Duration.ofHours(8), new SupportCase.SlaDue(SlaTarget.UPDATE_INTERVAL,
                            later.plus(Duration.ofHours(8))));
        }

        @Test
        void aCallThatDidNotAnswerLeavesTheCaseWaitingAndTheClockPaused() {
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .when(call("admin-bo", false, TSE))
                    .expectEvents(recorded("admin-bo", false, CaseStatus.PENDING_CUSTOMER))
                    .expectNoScheduledDeadlines();
        }

        @Test
        void aCallOnAnOpenCaseIsSupportsFirstResponse() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .when(call("admin-ada", false, TSE))
                    .expectEvents(recorded("admin-ada", false, CaseStatus.OPEN),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, true, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
        }

        @Test
        void refusals() {
            fixture.given(opened(), assigned()).when(call("admin-ada", true, TSE))
                    .expectException(RuleViolation.class).expectNoEvents();          // it waits for nothing
            fixture.given(waitingForTheCustomerWithFiveHoursLeft()).when(call("admin-cy", true, TSE))
                    .expectException(InvalidInput.class).expectNoEvents();           // not an admin of the case
            fixture.given(waitingForTheCustomerWithFiveHoursLeft()).when(call("admin-ada", true, OTHER_TSE))
                    .expectException(AccessDenied.class).expectNoEvents();           // not working the case
            fixture.given(waitingForTheCustomerWithFiveHoursLeft()).when(call("admin-ada", true, CUSTOMER))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(opened(), assigned(), closed()).when(call("admin-ada", false, TSE))
                    .expectException(RuleViolation.class).expectNoEvents();
            escalationManager = EM.id();
            fixture.given(waitingForTheCustomerWithFiveHoursLeft()).when(call("admin-ada", true, TSE))
                    .expectException(RuleViolation.class).expectNoEvents();          // the manager speaks to them
        }
    }

    @Nested
    class Resolution {

        @Test
        void proposingAResolutionStopsTheClockAndSchedulesAutoCloseAfterSevenDays() {
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))))
                    .when(new ProposeResolution(CASE, "Fixed the ACS URL", null, TSE))
                    .expectEvents(proposed(),
                            new SlaClockStopped(CASE, ORG, SlaTarget.UPDATE_INTERVAL, true, Actor.SYSTEM))
                    .expectScheduledDeadline(Duration.ofDays(7),
                            new SupportCase.AutoCloseDue(t0.plus(Duration.ofDays(7))));
        }

        /** The paused update clock stops with the proposal, met: a resolved case shows no clock, paused or not. */
        @Test
        void resolutionCanBeProposedWhileWaitingForTheCustomer() {
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .when(new ProposeResolution(CASE, "Fixed the ACS URL", null, TSE))
                    .expectEvents(proposed(),
                            new SlaClockStopped(CASE, ORG, SlaTarget.UPDATE_INTERVAL, true, Actor.SYSTEM))
                    .expectScheduledDeadline(Duration.ofDays(7),
                            new SupportCase.AutoCloseDue(t0.plus(Duration.ofDays(7))));
        }

        @Test
        void resolutionReferencingAKnowledgeArticle() {
            fixture.given(opened(), assigned())
                    .when(new ProposeResolution(CASE, "See the article", "KB-1234", TSE))
                    .expectEvents(new ResolutionProposed(CASE, ORG, "See the article", "KB-1234",
                            t0.plus(Duration.ofDays(7)), TSE.actor()));
        }

        @Test
        void customerConfirmationClosesTheCase() {
            fixture.given(opened(), assigned(), proposed())
                    .when(new ConfirmResolution(CASE, CUSTOMER))
                    .expectEvents(closed());
        }

        @Test
        void engineerCannotConfirmForTheCustomer() {
            fixture.given(opened(), assigned(), proposed())
                    .when(new ConfirmResolution(CASE, TSE))
                    .expectException(AccessDenied.class);
        }

        @Test
        void rejectionMovesTheCaseBackToOpenAndStartsTheUpdateClock() {
            fixture.given(opened(), assigned(), proposed())
                    .when(new RejectResolution(CASE, "Still failing for contractors", CUSTOMER))
                    .expectEvents(new ResolutionRejected(CASE, ORG, "Still failing for contractors",
                                    CUSTOMER.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
        }

        @Test
        void unansweredResolutionClosesAutomaticallyAfterSevenDays() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new ProposeResolution(CASE, "Fixed", null, TSE))
                    .whenTimeElapses(Duration.ofDays(7))
                    .expectEvents(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM,
                            t0.plus(Duration.ofDays(7))));
        }

        @Test
        void resolutionIsNotClosedAutomaticallyBeforeSevenDays() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new ProposeResolution(CASE, "Fixed", null, TSE))
                    .whenTimeElapses(Duration.ofDays(7).minusSeconds(1))
                    .expectNoEvents();
        }

        @Test
        void rejectedResolutionIsNotClosedAutomatically() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new ProposeResolution(CASE, "Fixed", null, TSE),
                            new RejectResolution(CASE, "no", CUSTOMER))
                    .whenTimeElapses(Duration.ofDays(8))
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                            org.hamcrest.Matchers.instanceOf(SlaBreached.class),
                            Matchers.andNoMore())));
        }

        /**
         * An answer that comes after the auto-close time, before the polled deadline fired (late after downtime),
         * finds the case closed automatically, as it would have had the deadline fired on time.
         */
        @Test
        void anAnswerAfterTheAutoCloseTimeFindsTheCaseClosedAutomatically() {
            Instant late = t0.plus(Duration.ofDays(9));
            fixture.given(opened(), assigned(), proposed()).andGivenCurrentTime(late)
                    .when(new RejectResolution(CASE, "Still failing", CUSTOMER))
                    // closed at its auto-close time, two days before the answer found it due
                    .expectEvents(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM,
                            t0.plus(Duration.ofDays(7))))
                    .expectResultMessagePayloadMatching(new org.hamcrest.CustomTypeSafeMatcher<CaseState>("closed") {
                        @Override
                        protected boolean matchesSafely(CaseState state) {
                            return state.status() == CaseStatus.CLOSED;
                        }
                    });
            fixture.given(opened(), assigned(), proposed()).andGivenCurrentTime(late)
                    .when(new ConfirmResolution(CASE, CUSTOMER))
                    .expectEvents(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM,
                            t0.plus(Duration.ofDays(7))));
            // just before it, the answer is the customer's
            fixture.given(opened(), assigned(), proposed())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(7)).minusSeconds(1))
                    .when(new ConfirmResolution(CASE, CUSTOMER))
                    .expectEvents(closed());
        }

        /** A reopen after the auto-close time, before the deadline fired, reopens the case closed at that time. */
        @Test
        void aReopenAfterTheAutoCloseTimeReopensTheCaseClosedThen() {
            Instant late = t0.plus(Duration.ofDays(9));
            fixture.given(opened(), assigned(), proposed()).andGivenCurrentTime(late)
                    .when(new ReopenCase(CASE, "It is back", CUSTOMER))
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                            org.hamcrest.Matchers.equalTo(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED,
                                    Actor.SYSTEM, t0.plus(Duration.ofDays(7)))),
                            org.hamcrest.Matchers.equalTo(new CaseReopened(CASE, ORG, "It is back", CUSTOMER.actor())),
                            org.hamcrest.Matchers.instanceOf(SlaClockStarted.class), Matchers.andNoMore())));
        }

        /**
         * Work that comes after the auto-close time, before the polled deadline fired, finds the case closed as it
         * would have had the deadline fired on time, and records nothing: the deadline records the closure.
         */
        @Test
        void workAfterTheAutoCloseTimeIsRefusedAsOnAClosedCase() {
            Instant late = t0.plus(Duration.ofDays(7)).plusSeconds(3600);
            for (Object work : List.of(reply(TSE), reply(CUSTOMER), new AssignCase(CASE, OTHER_TSE.id(), LEAD),
                    new AddContact(CASE, "admin-cy", CUSTOMER),
                    new RecordPhoneCall(CASE, "call-1", "admin-ada", "Went through the fix", true, TSE))) {
                fixture.given(opened(), assigned(), proposed()).andGivenCurrentTime(late)
                        .when(work)
                        .expectException(RuleViolation.class)
                        .expectExceptionMessage(org.hamcrest.Matchers.containsString(
                                "was closed automatically at " + t0.plus(Duration.ofDays(7))))
                        .expectNoEvents();
            }
            // a second before that time, the support's reply is taken
            fixture.given(opened(), assigned(), proposed())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(7)).minusSeconds(1))
                    .when(reply(TSE))
                    .expectSuccessfulHandlerExecution();
        }

        /**
         * A case closed automatically closed at its auto-close time, however late the deadline fired: as its event
         * says (above), or, for an event recorded before it said so, the auto-close time it followed (here).
         */
        @Test
        void theReopenWindowOfACaseClosedAutomaticallyLateCountsFromItsAutoCloseTime() {
            fixture.given(opened(), assigned(), proposed())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(9)))
                    .andGiven(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM))
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(29)))
                    .when(new ReopenCase(CASE, "It is back", CUSTOMER))
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.listWithAnyOf(
                            org.hamcrest.Matchers.instanceOf(FollowUpCaseOpened.class))));
        }

        @Test
        void autoClosePeriodIsConfigurable() {
            CaseRules threeDays = new CaseRules(RULES.sla(), Duration.ofDays(3), RULES.routing());
            AggregateTestFixture<SupportCase> custom = newFixture(threeDays);
            Instant start = custom.currentTime();
            custom.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new ProposeResolution(CASE, "Fixed", null, TSE))
                    .whenTimeElapses(Duration.ofDays(3))
                    .expectEvents(new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM,
                            start.plus(Duration.ofDays(3))));
        }
    }

    // --- reopening -----------------------------------------------------------------------------------------------

    @Nested
    class Reopening {

        @Test
        void reopenOnThe21stDayAfterClosureReopensTheCase() {
            Instant reopenAt = t0.plus(Duration.ofDays(21));
            fixture.given(opened(), assigned(), proposed(), closed())
                    .andGivenCurrentTime(reopenAt)
                    .when(new ReopenCase(CASE, "It is back", CUSTOMER))
                    .expectEvents(new CaseReopened(CASE, ORG, "It is back", CUSTOMER.actor()),
                            clock(SlaTarget.FIRST_RESPONSE, reopenAt.plus(Duration.ofHours(4))));
        }

        @Test
        void reopenAfter21DaysOpensAFollowUpCaseLinkedBothWays() {
            Instant reopenAt = t0.plus(Duration.ofDays(21)).plusMillis(1); // 21 days are 21 × 24 h, to the millisecond
            fixture.given(opened(), assigned(), proposed(), closed())
                    .andGivenCurrentTime(reopenAt)
                    .when(new ReopenCase(CASE, "It is back", CUSTOMER))
                    .expectSuccessfulHandlerExecution()
                    .expectEvents(
                            new CaseOpened("00200001", ORG, URL, "Follow-up to " + CASE + ": SAML login fails",
                                    "It is back", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada",
                                    List.of("admin-bo"), "sso", CASE, CUSTOMER.actor()),
                            new SlaClockStarted("00200001", ORG, SlaTarget.FIRST_RESPONSE,
                                    reopenAt.plus(Duration.ofHours(4)), Actor.SYSTEM),
                            new FollowUpCaseOpened(CASE, ORG, "00200001", "It is back", CUSTOMER.actor()));
        }

        /**
         * A contact asking after the window opens the follow-up as its opener: the original's opener becomes one of
         * its contacts, so the follow-up has the same admins, the one who asked no longer among its own contacts.
         */
        @Test
        void aContactReopeningLateOpensTheFollowUpWithTheOriginalsOpenerAsContact() {
            Caller bo = new Caller("admin-bo", "Bo", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
            Instant reopenAt = t0.plus(Duration.ofDays(22));
            fixture.given(opened(), assigned(), proposed(), closed())
                    .andGivenCurrentTime(reopenAt)
                    .when(new ReopenCase(CASE, "It is back", bo))
                    .expectEvents(
                            new CaseOpened("00200001", ORG, URL, "Follow-up to " + CASE + ": SAML login fails",
                                    "It is back", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-bo",
                                    List.of("admin-ada"), "sso", CASE, bo.actor()),
                            new SlaClockStarted("00200001", ORG, SlaTarget.FIRST_RESPONSE,
                                    reopenAt.plus(Duration.ofHours(4)), Actor.SYSTEM),
                            new FollowUpCaseOpened(CASE, ORG, "00200001", "It is back", bo.actor()));
        }

        /** Reopened and closed again: the 21 days count from the latest closure, not the first. */
        @Test
        void theReopenWindowCountsFromTheLatestClosure() {
            Instant reopenAt = t0.plus(Duration.ofDays(25));
            fixture.given(opened(), assigned(), proposed(), closed(),
                            new CaseReopened(CASE, ORG, "back", CUSTOMER.actor()), proposed(),
                            new CaseClosed(CASE, ORG, CloseReason.AUTO_CLOSED, Actor.SYSTEM,
                                    t0.plus(Duration.ofDays(17))))
                    .andGivenCurrentTime(reopenAt)
                    .when(new ReopenCase(CASE, "Again", CUSTOMER))
                    .expectEvents(new CaseReopened(CASE, ORG, "Again", CUSTOMER.actor()),
                            clock(SlaTarget.FIRST_RESPONSE, reopenAt.plus(Duration.ofHours(4))));
        }

        /** The follow-up's subject is cut to the subjects' limit, never between the halves of a surrogate pair. */
        @Test
        void aFollowUpsLongSubjectIsCutWholeCharactersOnly() {
            String prefix = "Follow-up to " + CASE + ": ";
            // the emoji's first half is the last character the cut would keep
            String subject = "x".repeat(SupportCase.MAX_SUBJECT - 4 - prefix.length()) + "\uD83D\uDE00" + "y".repeat(20);
            assertEquals(prefix + "x".repeat(SupportCase.MAX_SUBJECT - 4 - prefix.length()) + "...",
                    SupportCase.shortened(prefix + subject));
            String fits = "z".repeat(SupportCase.MAX_SUBJECT);
            assertEquals(fits, SupportCase.shortened(fits));
            assertEquals("z".repeat(SupportCase.MAX_SUBJECT - 3) + "...", SupportCase.shortened(fits + "z"));
        }

        @Test
        void onlyOneFollowUpCasePerClosedCase() {
            fixture.given(opened(), assigned(), proposed(), closed(),
                            new FollowUpCaseOpened(CASE, ORG, "00200001", "It is back", CUSTOMER.actor()))
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(30)))
                    .when(new ReopenCase(CASE, "Again", CUSTOMER))
                    .expectException(RuleViolation.class)
                    .expectNoEvents();
        }

        /** Reopening is the customer's decision: support reopening would hand itself an open case in the org. */
        @ParameterizedTest
        @MethodSource("io.casetrail.cases.command.SupportCaseTest#workers")
        void supportWorkingTheCaseCannotReopenIt(Caller worker) {
            fixture.given(opened(), assigned(), proposed(), closed())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(1)))
                    .when(new ReopenCase(CASE, "It is back, the customer says", worker))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        @Test
        void customerOfAnotherOrgCannotReopen() {
            fixture.given(opened(), assigned(), proposed(), closed())
                    .when(new ReopenCase(CASE, "mine now", OTHER_CUSTOMER))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
        }
    }

    // --- SLA deadlines -------------------------------------------------------------------------------------------

    @Nested
    class Sla {

        @Test
        void firstResponseTargetPassingIsABreach() {
            fixture.givenCommands(open(CUSTOMER, null))
                    .whenTimeElapses(Duration.ofHours(4))
                    .expectEvents(new SlaBreached(CASE, ORG, SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4)),
                            Actor.SYSTEM));
        }

        @Test
        void firstResponseInTimeIsNoBreach() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD), reply(TSE))
                    .whenTimeElapses(Duration.ofHours(4))
                    .expectNoEvents();
        }

        @Test
        void updateIntervalPassingIsABreach() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD), reply(TSE))
                    .whenTimeElapses(Duration.ofHours(8))
                    .expectEvents(new SlaBreached(CASE, ORG, SlaTarget.UPDATE_INTERVAL,
                            t0.plus(Duration.ofHours(8)), Actor.SYSTEM));
        }

        @Test
        void clockDoesNotRunWhileTheCaseWaitsForTheCustomer() {
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new RequestInformation(CASE, "m-1", "Which app?", TSE))
                    .whenTimeElapses(Duration.ofDays(30))
                    .expectNoEvents();
        }

        @Test
        void breachAfterResumingCountsOnlyTheTimeLeftWhenPaused() {
            // P2: 8 h update interval, paused at once by the request; the customer answers 10 days later
            fixture.givenCommands(open(CUSTOMER, null), new AssignCase(CASE, TSE.id(), LEAD),
                            new RequestInformation(CASE, "m-1", "Which app?", TSE))
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(10)))
                    .andGivenCommands(reply(CUSTOMER))
                    .whenTimeElapses(Duration.ofHours(8))
                    .expectEvents(new SlaBreached(CASE, ORG, SlaTarget.UPDATE_INTERVAL,
                            t0.plus(Duration.ofDays(10)).plus(Duration.ofHours(8)), Actor.SYSTEM));
        }

        /**
         * The first response came after the due time but before the deadline fired (a poll away, or the service
         * was down): the breach is recorded with the response, not lost with the cancelled deadline.
         */
        @Test
        void aLateResponseBeforeTheDeadlineFiredIsStillABreach() {
            Instant late = t0.plus(Duration.ofHours(5));
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .andGivenCurrentTime(late)
                    .when(reply(TSE))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, TSE.actor()),
                            new SlaBreached(CASE, ORG, SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4)),
                                    Actor.SYSTEM),
                            new SlaClockStopped(CASE, ORG, SlaTarget.FIRST_RESPONSE, false, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, late.plus(Duration.ofHours(8))));
        }

        /**
         * A clock paused while the case waits for the customer keeps what it had left, moved by the change of target:
         * from P2 (8 h between updates) to P3 (24 h) adds 16 h to the 5 h left; to P1 (2 h) takes 6 h, leaving
         * nothing (the breach comes as the customer answers). Nothing is scheduled while it waits.
         */
        @Test
        void aPriorityChangeWhileTheClockIsPausedMovesWhatIsLeft() {
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(2)))
                    .when(new ChangePriority(CASE, Priority.P3, "can wait", TSE))
                    .expectEvents(new PriorityChanged(CASE, ORG, Priority.P2, Priority.P3, "can wait", TSE.actor()),
                            new SlaClockPaused(CASE, ORG, SlaTarget.UPDATE_INTERVAL, Duration.ofHours(21).toMillis(),
                                    Actor.SYSTEM))
                    .expectNoScheduledDeadlines();
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .when(new ChangePriority(CASE, Priority.P1, "urgent", TSE))
                    .expectEvents(new PriorityChanged(CASE, ORG, Priority.P2, Priority.P1, "urgent", TSE.actor()),
                            new SlaClockPaused(CASE, ORG, SlaTarget.UPDATE_INTERVAL, 0, Actor.SYSTEM))
                    .expectNoScheduledDeadlines();
        }

        /** Lowering the priority of an overdue case does not move its breach away. */
        @Test
        void anOverdueClockIsBreachedBeforeAPriorityChangeCouldMoveIt() {
            fixture.given(opened(), clock(SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4))), assigned())
                    .andGivenCurrentTime(t0.plus(Duration.ofHours(5)))
                    .when(new ChangePriority(CASE, Priority.P4, "not urgent after all", TSE))
                    .expectEvents(new PriorityChanged(CASE, ORG, Priority.P2, Priority.P4, "not urgent after all",
                                    TSE.actor()),
                            new SlaBreached(CASE, ORG, SlaTarget.FIRST_RESPONSE, t0.plus(Duration.ofHours(4)),
                                    Actor.SYSTEM));
        }

        /**
         * A public update after the update interval was due, before its deadline fired: one breach, then the clock
         * restarts; the breach already on record (its deadline fired) is not raised again by the late update.
         */
        @Test
        void aLateUpdateIsOneBreachAndRestartsTheClock() {
            Instant due = t0.plus(Duration.ofHours(2));
            Instant late = t0.plus(Duration.ofHours(3));
            fixture.given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, due))
                    .andGivenCurrentTime(late)
                    .when(reply(TSE))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, TSE.actor()),
                            new SlaBreached(CASE, ORG, SlaTarget.UPDATE_INTERVAL, due, Actor.SYSTEM),
                            clock(SlaTarget.UPDATE_INTERVAL, late.plus(Duration.ofHours(8))));
            newFixture(RULES).given(opened(), assigned(), clock(SlaTarget.UPDATE_INTERVAL, due),
                            new SlaBreached(CASE, ORG, SlaTarget.UPDATE_INTERVAL, due, Actor.SYSTEM))
                    .andGivenCurrentTime(late)
                    .when(reply(TSE))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN, TSE.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, late.plus(Duration.ofHours(8))));
        }

        @Test
        void breachIsRaisedOnceForOneTarget() {
            fixture.givenCommands(open(CUSTOMER, null))
                    .whenTimeElapses(Duration.ofDays(5))
                    .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                            org.hamcrest.Matchers.instanceOf(SlaBreached.class),
                            Matchers.andNoMore())));
        }

        @Test
        void slaTargetsAreConfigurable() {
            CaseRules fast = new CaseRules(java.util.Map.of(
                    Priority.P1, new CaseRules.SlaTargets(Duration.ofMinutes(5), Duration.ofMinutes(10)),
                    Priority.P2, new CaseRules.SlaTargets(Duration.ofMinutes(15), Duration.ofMinutes(30)),
                    Priority.P3, new CaseRules.SlaTargets(Duration.ofHours(1), Duration.ofHours(2)),
                    Priority.P4, new CaseRules.SlaTargets(Duration.ofHours(2), Duration.ofHours(4))),
                    RULES.autoCloseAfter(), RULES.routing());
            AggregateTestFixture<SupportCase> custom = newFixture(fast);
            Instant start = custom.currentTime();
            custom.givenNoPriorActivity()
                    .when(open(CUSTOMER, null))
                    .expectScheduledDeadline(Duration.ofMinutes(15),
                            new SupportCase.SlaDue(SlaTarget.FIRST_RESPONSE, start.plus(Duration.ofMinutes(15))));
        }
    }

    // --- other work recorded on a case ---------------------------------------------------------------------------

    @Nested
    class Work {

        @Test
        void customerUploadsAreVisibleToTheCustomer() {
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-1", "har.txt", "text/plain", 12, "ab", false, CUSTOMER))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-1", "har.txt", "text/plain", 12, "ab", false,
                            CaseStatus.OPEN, CUSTOMER.actor()));
        }

        /** A customer's file answers a request for information, as a reply does: back to OPEN, the clock runs. */
        @Test
        void customerUploadOnAPendingCaseMovesItBackToOpenAndResumesTheClock() {
            fixture.given(waitingForTheCustomerWithFiveHoursLeft())
                    .andGivenCurrentTime(t0.plus(Duration.ofDays(3)))
                    .when(new RecordAttachment(CASE, "a-1", "app.har", "application/json", 12, "ab", false, CUSTOMER))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-1", "app.har", "application/json", 12, "ab", false,
                                    CaseStatus.OPEN, CUSTOMER.actor()),
                            clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofDays(3)).plus(Duration.ofHours(5))));
            // support's files leave it waiting for the customer
            fixture.given(opened(), assigned(), informationRequested())
                    .when(new RecordAttachment(CASE, "a-2", "steps.pdf", "application/pdf", 12, "ab", false, TSE))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-2", "steps.pdf", "application/pdf", 12, "ab",
                            false, CaseStatus.PENDING_CUSTOMER, TSE.actor()));
        }

        /** An upload stored before uploads carried the status after them leaves the status as it was. */
        @Test
        void anUploadStoredWithoutItsStatusLeavesTheCasePending() {
            fixture.given(opened(), assigned(), informationRequested(), new AttachmentAdded(CASE, ORG, "a-0",
                            "old.txt", "text/plain", 3, "ab", false, null, CUSTOMER.actor()))
                    .when(reply(CUSTOMER))
                    .expectEvents(new ReplyPosted(CASE, ORG, "m-9", "Here is more", CaseStatus.OPEN,
                            CUSTOMER.actor()));
        }

        @Test
        void customersCannotUploadInternalFiles() {
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-1", "har.txt", "text/plain", 12, "ab", true, CUSTOMER))
                    .expectException(InvalidInput.class)
                    .expectNoEvents();
        }

        @Test
        void supportMayKeepAnUploadInternal() {
            fixture.given(opened(), assigned())
                    .when(new RecordAttachment(CASE, "a-2", "trace.log", "text/plain", 5, "cd", true, TSE))
                    .expectEvents(new AttachmentAdded(CASE, ORG, "a-2", "trace.log", "text/plain", 5, "cd", true,
                            CaseStatus.OPEN, TSE.actor()));
        }

        @Test
        void contactsAreAddedAndRemovedButTheOpenerStays() {
            fixture.given(opened())
                    .when(new AddContact(CASE, "admin-cy", CUSTOMER))
                    .expectEvents(new ContactAdded(CASE, ORG, "admin-cy", CUSTOMER.actor()));
            fixture.given(opened())
                    .when(new RemoveContact(CASE, "admin-bo", CUSTOMER))
                    .expectEvents(new ContactRemoved(CASE, ORG, "admin-bo", CUSTOMER.actor()));
            fixture.given(opened())
                    .when(new RemoveContact(CASE, "admin-ada", CUSTOMER))
                    .expectException(RuleViolation.class);
        }

        @Test
        void onlyTheOpenerAndContactsChooseContactsSoNoOneElseCanBecomeAConsenter() {
            Caller contact = new Caller("admin-bo", "Bo", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
            Caller unrelated = new Caller("admin-cy", "Cy", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
            fixture.given(opened(), assigned())
                    .when(new AddContact(CASE, "admin-cy", contact))
                    .expectEvents(new ContactAdded(CASE, ORG, "admin-cy", contact.actor()));
            fixture.given(opened(), assigned())
                    .when(new AddContact(CASE, "admin-cy", unrelated))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new AddContact(CASE, "admin-cy", TSE))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.given(opened(), assigned())
                    .when(new RemoveContact(CASE, "admin-bo", unrelated))
                    .expectException(AccessDenied.class)
                    .expectNoEvents();
            // support may drop a contact (the customer asked; it makes no one a consenter)
            fixture.given(opened(), assigned())
                    .when(new RemoveContact(CASE, "admin-bo", TSE))
                    .expectEvents(new ContactRemoved(CASE, ORG, "admin-bo", TSE.actor()));
        }

        @Test
        void knowledgeArticlesRemoteSessionsAndConsultationsAreRecorded() {
            fixture.given(opened(), assigned())
                    .when(new LinkKnowledgeArticle(CASE, "KB-1", "SAML basics", "https://kb/1", TSE))
                    .expectEvents(new KnowledgeArticleLinked(CASE, ORG, "KB-1", "SAML basics", "https://kb/1",
                            TSE.actor()));
            Instant at = t0.plus(Duration.ofDays(1));
            fixture.given(opened(), assigned())
                    .when(new OfferRemoteSession(CASE, "r-1", "https://meet/1", at, "screen share", TSE))
                    .expectEvents(new RemoteSessionOffered(CASE, ORG, "r-1", "https://meet/1", at, "screen share",
                            TSE.actor()), clock(SlaTarget.UPDATE_INTERVAL, t0.plus(Duration.ofHours(8))));
            fixture.given(opened(), assigned())
                    .when(new RecordConsultation(CASE, "c-1", ConsultationParty.TEAM_LEAD, "lead-lu", "agreed", TSE))
                    .expectEvents(new ConsultationRecorded(CASE, ORG, "c-1", ConsultationParty.TEAM_LEAD, "lead-lu",
                            "agreed", TSE.actor()));
        }
    }

    // --- every illegal transition ----------------------------------------------------------------------------

    /** The assigned engineer and a lead of the case's team. */
    static Stream<Caller> workers() {
        return Stream.of(TSE, LEAD);
    }

    /** Each status, and each command that may not run in it (by a caller who could otherwise run it). */
    static Stream<Arguments> illegalTransitions() {
        List<Arguments> cases = new ArrayList<>();
        Object[] newCase = {opened()};
        Object[] openCase = {opened(), assigned()};
        Object[] pending = {opened(), assigned(), informationRequested()};
        Object[] resolved = {opened(), assigned(), new ResolutionProposed(CASE, ORG, "Fixed", null,
                Instant.parse("2030-01-01T00:00:00Z"), TSE.actor())};
        Object[] closedCase = {opened(), assigned(), resolved[2], closed()};
        add(cases, "NEW", newCase, new RequestInformation(CASE, "m", "?", LEAD));
        add(cases, "NEW", newCase, new ProposeResolution(CASE, "s", null, LEAD));
        add(cases, "NEW", newCase, new ConfirmResolution(CASE, CUSTOMER));
        add(cases, "NEW", newCase, new RejectResolution(CASE, "r", CUSTOMER));
        add(cases, "NEW", newCase, new ReopenCase(CASE, "r", CUSTOMER));
        add(cases, "OPEN", openCase, new ConfirmResolution(CASE, CUSTOMER));
        add(cases, "OPEN", openCase, new RejectResolution(CASE, "r", CUSTOMER));
        add(cases, "OPEN", openCase, new ReopenCase(CASE, "r", CUSTOMER));
        add(cases, "OPEN", openCase, new TakeCase(CASE, OTHER_TSE));
        add(cases, "OPEN", openCase, new AssignCase(CASE, TSE.id(), LEAD));
        add(cases, "PENDING_CUSTOMER", pending, new RequestInformation(CASE, "m", "?", TSE));
        add(cases, "PENDING_CUSTOMER", pending, new ConfirmResolution(CASE, CUSTOMER));
        add(cases, "PENDING_CUSTOMER", pending, new RejectResolution(CASE, "r", CUSTOMER));
        add(cases, "PENDING_CUSTOMER", pending, new ReopenCase(CASE, "r", CUSTOMER));
        add(cases, "PENDING_CUSTOMER", pending, new TakeCase(CASE, OTHER_TSE));
        add(cases, "RESOLVED", resolved, new RequestInformation(CASE, "m", "?", TSE));
        add(cases, "RESOLVED", resolved, new ProposeResolution(CASE, "s", null, TSE));
        add(cases, "RESOLVED", resolved, new ReopenCase(CASE, "r", CUSTOMER));
        add(cases, "RESOLVED", resolved, new PostReply(CASE, "m", "hello", CUSTOMER));
        add(cases, "RESOLVED", resolved, new TakeCase(CASE, OTHER_TSE));
        add(cases, "CLOSED", closedCase, new AssignCase(CASE, OTHER_TSE.id(), LEAD));
        add(cases, "CLOSED", closedCase, new TakeCase(CASE, OTHER_TSE));
        add(cases, "CLOSED", closedCase, new ChangePriority(CASE, Priority.P1, "r", LEAD));
        add(cases, "CLOSED", closedCase, new RequestInformation(CASE, "m", "?", TSE));
        add(cases, "CLOSED", closedCase, new ProposeResolution(CASE, "s", null, TSE));
        add(cases, "CLOSED", closedCase, new ConfirmResolution(CASE, CUSTOMER));
        add(cases, "CLOSED", closedCase, new RejectResolution(CASE, "r", CUSTOMER));
        add(cases, "CLOSED", closedCase, new PostReply(CASE, "m", "hello", CUSTOMER));
        add(cases, "CLOSED", closedCase, new PostReply(CASE, "m", "hello", TSE));
        add(cases, "CLOSED", closedCase, new AddContact(CASE, "admin-cy", CUSTOMER));
        add(cases, "CLOSED", closedCase, new RemoveContact(CASE, "admin-bo", CUSTOMER));
        add(cases, "CLOSED", closedCase, new RecordAttachment(CASE, "a", "f", "text/plain", 1, "x", false, CUSTOMER));
        add(cases, "CLOSED", closedCase, new LinkKnowledgeArticle(CASE, "KB", "t", "u", TSE));
        add(cases, "CLOSED", closedCase, new OfferRemoteSession(CASE, "r", "https://m", null, null, TSE));
        return cases.stream();
    }

    private static void add(List<Arguments> cases, String status, Object[] given, Object command) {
        cases.add(Arguments.of(status, command.getClass().getSimpleName(), given, command));
    }

    @ParameterizedTest(name = "{0}: {1} is refused")
    @MethodSource("illegalTransitions")
    void illegalTransitionIsRefusedAndChangesNothing(String status, String commandName, Object[] given,
                                                     Object command) {
        fixture.given(given)
                .when(command)
                .expectException(RuleViolation.class)
                .expectNoEvents();
    }
}
