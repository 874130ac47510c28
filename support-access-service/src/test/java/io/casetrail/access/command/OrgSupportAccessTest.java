package io.casetrail.access.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.TestExecutor;
import org.axonframework.test.matchers.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.casetrail.access.command.AccessCommands.EndCaseSessions;
import io.casetrail.access.command.AccessCommands.ExtendCaseSupport;
import io.casetrail.access.command.AccessCommands.ExtendOrgSupport;
import io.casetrail.access.command.AccessCommands.GrantCaseSupport;
import io.casetrail.access.command.AccessCommands.GrantOrgSupport;
import io.casetrail.access.command.AccessCommands.RevokeCaseSupport;
import io.casetrail.access.command.AccessCommands.RevokeOrgSupport;
import io.casetrail.access.command.AccessCommands.StartImpersonation;
import io.casetrail.access.command.AccessCommands.StopImpersonation;
import io.casetrail.events.Actor;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** The rules of support access, as given / when / then on the org's aggregate. */
class OrgSupportAccessTest {

    static final String ORG = "org-acme";
    static final String CASE = "00100001";
    static final String CLOSED_CASE = "00100002";
    static final String OTHER_ORG_CASE = "00100003";
    /** A case of the org opened after the org-wide grant of {@link #orgGranted()}. */
    static final String LATER_CASE = "00100004";
    /** A case of the org, opened before the grants of the tests and reopened after them. */
    static final String REOPENED_CASE = "00100005";
    /** Opened by lead-otto on the customer's behalf. */
    static final String ON_BEHALF_CASE = "00100006";
    static final RequestOrigin ORIGIN = new RequestOrigin("203.0.113.7", "curl/8", null);

    static final Caller SUPER = new Caller("admin-sam", "Sam", Set.of(Roles.ORG_SUPER_ADMIN), ORG, Set.of());
    static final Caller ADMIN = new Caller("admin-ada", "Ada", Set.of(Roles.ORG_ADMIN), ORG, Set.of());
    static final Caller OTHER_SUPER = new Caller("admin-oz", "Oz", Set.of(Roles.ORG_SUPER_ADMIN), "org-other",
            Set.of());
    static final Caller TSE = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
    static final Caller OTHER_TSE = new Caller("tse-tia", "Tia", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));

    static final Map<String, KnownCase> CASES = Map.of(
            CASE, new KnownCase(CASE, ORG, "SAML", "sso", "tse-tom", "admin-ada", null, CaseStatus.OPEN, 2L, null,
                    0L),
            CLOSED_CASE, new KnownCase(CLOSED_CASE, ORG, "old", "sso", "tse-tom", "admin-ada", null,
                    CaseStatus.CLOSED, 2L, null, 0L),
            OTHER_ORG_CASE, new KnownCase(OTHER_ORG_CASE, "org-other", "x", "sso", "tse-tom", "admin-oz", null,
                    CaseStatus.OPEN, 2L, null, 0L),
            LATER_CASE, new KnownCase(LATER_CASE, ORG, "MFA", "sso", "tse-tom", "admin-ada", null, CaseStatus.OPEN,
                    2L, null, 0L),
            REOPENED_CASE, new KnownCase(REOPENED_CASE, ORG, "SCIM", "sso", "tse-tom", "admin-ada", null,
                    CaseStatus.OPEN, 12L, Instant.parse("2999-01-01T00:00:00Z"), 12L),
            ON_BEHALF_CASE, new KnownCase(ON_BEHALF_CASE, ORG, "API", "sso", "tse-tom", "admin-ada", "lead-otto",
                    CaseStatus.OPEN, 2L, null, 0L));

    AggregateTestFixture<OrgSupportAccess> fixture;
    Instant t0;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(OrgSupportAccess.class);
        fixture.registerInjectableResource(AccessRules.defaults());
        fixture.registerInjectableResource((CaseLookup) number -> Optional.ofNullable(CASES.get(number)));
        // the aggregate counts in milliseconds
        fixture.givenCurrentTime(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        t0 = fixture.currentTime();
    }

    SupportAccessGranted orgGranted() {
        return new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CASE), Map.of(CASE, 2L),
                t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor());
    }

    SupportAccessGranted caseGranted() {
        return new SupportAccessGranted(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), Map.of(CASE, 2L),
                t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor());
    }

    ImpersonationStarted started() {
        return new ImpersonationStarted(ORG, "s-1", CASE, "g-1", t0.plus(Duration.ofHours(1)), 2L, ORIGIN,
                TSE.actor());
    }

    @Test
    void superAdminGrantsOrgWideAccessForEightHours() {
        fixture.givenNoPriorActivity()
                .when(new GrantOrgSupport(ORG, "g-1", List.of(CASE), ORIGIN, SUPER))
                .expectEvents(orgGranted())
                .expectScheduledDeadline(Duration.ofHours(8),
                        new OrgSupportAccess.GrantDue("g-1", t0.plus(Duration.ofHours(8))));
    }

    @Test
    void orgAdminWhoIsNotSuperCannotGrant() {
        fixture.givenNoPriorActivity()
                .when(new GrantOrgSupport(ORG, "g-1", List.of(), ORIGIN, ADMIN))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    @Test
    void superAdminOfAnotherOrgCannotGrant() {
        fixture.givenNoPriorActivity()
                .when(new GrantOrgSupport(ORG, "g-1", List.of(), ORIGIN, OTHER_SUPER))
                .expectException(AccessDenied.class);
    }

    @Test
    void supportCannotGrantItself() {
        fixture.givenNoPriorActivity()
                .when(new GrantCaseSupport(ORG, "g-2", CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class);
    }

    /** Only the org's own Super Administrator extends or revokes its grants, whoever else asks. */
    @Test
    void onlyTheOrgsSuperAdminExtendsOrRevokes() {
        for (Caller other : List.of(ADMIN, OTHER_SUPER, TSE)) {
            fixture.given(orgGranted(), caseGranted())
                    .when(new ExtendOrgSupport(ORG, ORIGIN, other))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(orgGranted(), caseGranted())
                    .when(new RevokeOrgSupport(ORG, ORIGIN, other))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(orgGranted(), caseGranted())
                    .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(32)), ORIGIN, other))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(orgGranted(), caseGranted())
                    .when(new RevokeCaseSupport(ORG, CASE, ORIGIN, other))
                    .expectException(AccessDenied.class).expectNoEvents();
        }
    }

    @Test
    void extensionAddsTwentyFourHoursToTheTimeLeft() {
        fixture.given(orgGranted())
                .andGivenCurrentTime(t0.plus(Duration.ofHours(3)))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()));
    }

    /** As a case's grant: an org-wide grant whose cases all closed since allows nothing, and takes no more time. */
    @Test
    void anOrgWideGrantWhoseCasesAllClosedIsNotExtended() {
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CLOSED_CASE),
                        t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectException(RuleViolation.class).expectExceptionMessage(
                        "the cases support access to org " + ORG + " covers (" + CLOSED_CASE + ") are closed: it"
                                + " takes no more time")
                .expectNoEvents();
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CLOSED_CASE, CASE),
                        t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectSuccessfulHandlerExecution();
    }

    @Test
    void extendingWithoutAGrantIsRefused() {
        fixture.given(caseGranted())
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectException(RuleViolation.class);
    }

    @Test
    void grantForOneCaseOfTheOrg() {
        fixture.givenNoPriorActivity()
                .when(new GrantCaseSupport(ORG, "g-2", CASE, ORIGIN, SUPER))
                .expectEvents(caseGranted());
    }

    @Test
    void grantForAClosedCaseOrACaseOfAnotherOrgIsRefused() {
        fixture.givenNoPriorActivity()
                .when(new GrantCaseSupport(ORG, "g-2", CLOSED_CASE, ORIGIN, SUPER))
                .expectException(RuleViolation.class);
        fixture.givenNoPriorActivity()
                .when(new GrantCaseSupport(ORG, "g-2", OTHER_ORG_CASE, ORIGIN, SUPER))
                .expectException(AccessDenied.class);
        fixture.givenNoPriorActivity()
                .when(new GrantCaseSupport(ORG, "g-2", "99999999", ORIGIN, SUPER))
                .expectException(NotFound.class);
    }

    @Test
    void assignedEngineerStartsASessionInsideTheGrantForAtMostOneHour() {
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectEvents(started())
                .expectScheduledDeadline(Duration.ofHours(1),
                        new OrgSupportAccess.SessionDue("s-1", t0.plus(Duration.ofHours(1))));
    }

    @Test
    void sessionNeverOutlastsItsGrant() {
        fixture.given(orgGranted())
                .andGivenCurrentTime(lastHalfHour())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectEvents(new ImpersonationStarted(ORG, "s-1", CASE, "g-1", t0.plus(Duration.ofHours(8)), 2L,
                        ORIGIN, TSE.actor()));
    }

    /**
     * A session ends when its engineer no longer holds the case since a later event of the case: closed, every
     * session started before; reassigned, those of the former assignee. An event the session started after
     * (delivered again) ends nothing.
     */
    @Test
    void sessionsEndWhenTheirEngineerNoLongerHoldsTheCase() {
        ImpersonationStarted tias = new ImpersonationStarted(ORG, "s-2", CASE, "g-1", t0.plus(Duration.ofHours(1)),
                4L, ORIGIN, OTHER_TSE.actor());
        fixture.given(orgGranted(), started(), tias)
                .when(new EndCaseSessions(ORG, CASE, TSE.id(), 5, SessionEndReason.CASE_REASSIGNED))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, TSE.id(), SessionEndReason.CASE_REASSIGNED,
                        RequestOrigin.NONE, Actor.SYSTEM));
        fixture.given(orgGranted(), started(), tias)
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, TSE.id(), SessionEndReason.CASE_CLOSED,
                                RequestOrigin.NONE, Actor.SYSTEM),
                        new ImpersonationEnded(ORG, "s-2", CASE, OTHER_TSE.id(), SessionEndReason.CASE_CLOSED,
                                RequestOrigin.NONE, Actor.SYSTEM));
        fixture.given(orgGranted(), started(), tias)
                .when(new EndCaseSessions(ORG, CASE, null, 3, SessionEndReason.CASE_CLOSED))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, TSE.id(), SessionEndReason.CASE_CLOSED,
                        RequestOrigin.NONE, Actor.SYSTEM)); // Tia's began on the case's status of event 4
        fixture.given(orgGranted(), started())
                .when(new EndCaseSessions(ORG, LATER_CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    /**
     * A lead who took the case and started a session as its team's lead works it still once it is assigned to an
     * engineer: its session goes on. The case's closure ends it, as every session.
     */
    @Test
    void aLeadsSessionOutlastsTheCasesReassignment() {
        Caller lead = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        ImpersonationStarted leads = new ImpersonationStarted(ORG, "s-3", CASE, "g-1", t0.plus(Duration.ofHours(1)),
                2L, ORIGIN, lead.actingAs(Roles.TEAM_LEAD));
        fixture.given(orgGranted(), leads)
                .when(new EndCaseSessions(ORG, CASE, lead.id(), 5, SessionEndReason.CASE_REASSIGNED))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(orgGranted(), leads)
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectEvents(new ImpersonationEnded(ORG, "s-3", CASE, lead.id(), SessionEndReason.CASE_CLOSED,
                        RequestOrigin.NONE, Actor.SYSTEM));
    }

    /**
     * A case's own grant is for the case while open: its closure ends it on record (a reopening, by any admin of
     * the org, brings no access back), and the org-wide grant does not cover a case reopened since it was given.
     */
    @Test
    void aCasesClosureEndsItsGrantAndAReopenedCaseIsCoveredByNoEarlierGrant() {
        ImpersonationStarted onCaseGrant = new ImpersonationStarted(ORG, "s-1", CASE, "g-2",
                t0.plus(Duration.ofHours(1)), 2L, ORIGIN, TSE.actor());
        fixture.given(orgGranted(), caseGranted(), onCaseGrant)
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, TSE.id(), SessionEndReason.CASE_CLOSED,
                                RequestOrigin.NONE, Actor.SYSTEM),
                        new SupportAccessRevoked(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), RequestOrigin.NONE,
                                Actor.SYSTEM));
        fixture.given(caseGranted())
                .when(new EndCaseSessions(ORG, CASE, TSE.id(), 9, SessionEndReason.CASE_REASSIGNED))
                .expectSuccessfulHandlerExecution().expectNoEvents(); // a reassignment leaves the grant

        SupportAccessGranted coveringReopened = new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null,
                List.of(CASE, REOPENED_CASE), Map.of(CASE, 2L, REOPENED_CASE, 9L), t0.plus(Duration.ofHours(8)), ORIGIN,
                SUPER.actor());
        fixture.given(coveringReopened)
                .when(new StartImpersonation(ORG, "s-1", REOPENED_CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class).expectExceptionMessage(
                        org.hamcrest.Matchers.containsString("opened or reopened since"))
                .expectNoEvents();
        fixture.given(coveringReopened)
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectEvents(new ImpersonationStarted(ORG, "s-1", CASE, "g-1", t0.plus(Duration.ofHours(1)), 2L,
                        ORIGIN, TSE.actor()));
        // given on the case as reopened (sequence 12): it covers it, whatever the two services' clocks say
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(REOPENED_CASE),
                        Map.of(REOPENED_CASE, 12L), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new StartImpersonation(ORG, "s-1", REOPENED_CASE, ORIGIN, TSE))
                .expectSuccessfulHandlerExecution();
        // revoking the reopened case's access, which the org-wide grant no longer covers: nothing to end
        fixture.given(coveringReopened)
                .when(new RevokeCaseSupport(ORG, REOPENED_CASE, ORIGIN, SUPER))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        // nor a closed one's: the org-wide grant gives no access to it either
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CLOSED_CASE, CASE),
                        Map.of(CLOSED_CASE, 2L, CASE, 2L), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new RevokeCaseSupport(ORG, CLOSED_CASE, ORIGIN, SUPER))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        // an org-wide grant whose cases closed or were reopened since allows nothing: it takes no more time
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(CLOSED_CASE,
                        REOPENED_CASE), Map.of(CLOSED_CASE, 2L, REOPENED_CASE, 9L), t0.plus(Duration.ofHours(8)),
                        ORIGIN, SUPER.actor()))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectException(RuleViolation.class).expectNoEvents();
    }

    /**
     * A grant given while the case had no status sequence (known before they were kept) does not cover it once it has
     * an opening's sequence: it was reopened since. One whose event kept no sequences at all cannot tell.
     */
    @Test
    void aGrantWithoutTheCasesSequenceCoversItUntilItIsReopened() {
        KnownCase reopened = CASES.get(REOPENED_CASE);
        KnownCase neverReopened = new KnownCase(REOPENED_CASE, ORG, "SCIM", "sso", "tse-tom", "admin-ada", null,
                CaseStatus.OPEN, null, null, null);
        OrgSupportAccess.Grant keptNone = new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null,
                List.of(REOPENED_CASE), t0, Map.of());
        assertThat(keptNone.covers(reopened)).isFalse();
        assertThat(keptNone.covers(neverReopened)).isTrue();
        assertThat(new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null, List.of(REOPENED_CASE), t0, null)
                .covers(reopened)).isTrue();
    }

    /**
     * A closure delivered again (a rebuild of the known cases replays the case's events) leaves a grant given on a
     * later status of the case, and the sessions started on it, as they are.
     */
    @Test
    void anEarlierClosureDeliveredAgainEndsNoLaterGrant() {
        SupportAccessGranted givenAfterReopening = new SupportAccessGranted(ORG, "g-2", GrantScope.CASE, CASE,
                List.of(CASE), Map.of(CASE, 12L), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor());
        ImpersonationStarted started = new ImpersonationStarted(ORG, "s-1", CASE, "g-2", t0.plus(Duration.ofHours(1)),
                12L, ORIGIN, TSE.actor());
        fixture.given(givenAfterReopening, started)
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(givenAfterReopening, started)
                .when(new EndCaseSessions(ORG, CASE, null, 14, SessionEndReason.CASE_CLOSED))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, TSE.id(), SessionEndReason.CASE_CLOSED,
                                RequestOrigin.NONE, Actor.SYSTEM),
                        new SupportAccessRevoked(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), RequestOrigin.NONE,
                                Actor.SYSTEM));
    }

    /** A case's grant past its expiry when the case closes is left to its deadline, which records its end. */
    @Test
    void aClosureLeavesAnExpiredGrantToItsDeadline() {
        fixture.given(caseGranted()).andGivenCurrentTime(t0.plus(Duration.ofHours(8)))
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectSuccessfulHandlerExecution().expectNoEvents();
    }

    /** Half an hour before the grant's expiry, with sessions of at most an hour. */
    Instant lastHalfHour() {
        return t0.plus(Duration.ofMinutes(7 * 60 + 30));
    }

    /** A session started in the grant's last half hour (so to end with it), then the grant extended. */
    TestExecutor<OrgSupportAccess> givenASessionOfAnExtendedGrant() {
        return fixture.given(orgGranted())
                .andGivenCurrentTime(lastHalfHour())
                .andGivenCommands(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE),
                        new ExtendOrgSupport(ORG, ORIGIN, SUPER));
    }

    @Test
    void extendingTheGrantLetsASessionThatWasToEndWithItRunToItsMaximumLength() {
        Instant maxEnd = lastHalfHour().plus(Duration.ofHours(1));
        fixture.given(orgGranted())
                .andGivenCurrentTime(lastHalfHour())
                .andGivenCommands(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                                t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()),
                        new ImpersonationExtended(ORG, "s-1", CASE, "g-1", maxEnd, SUPER.actor()))
                .expectScheduledDeadline(Duration.ofHours(1), new OrgSupportAccess.SessionDue("s-1", maxEnd));
    }

    @Test
    void aSessionOfAnExtendedGrantOutlivesTheGrantsFirstExpiry() {
        givenASessionOfAnExtendedGrant()
                .whenTimeElapses(Duration.ofMinutes(59))
                .expectNoEvents();
    }

    @Test
    void aSessionOfAnExtendedGrantEndsAtItsMaximumLength() {
        givenASessionOfAnExtendedGrant()
                .whenTimeElapses(Duration.ofHours(1))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.MAX_LENGTH,
                        RequestOrigin.NONE, Actor.SYSTEM));
    }

    @Test
    void aGrantPastItsExpiryIsNeitherExtendedNorUsedEvenBeforeItsExpiryIsHandled() {
        // the expiry's deadline has not fired yet (it polls; after a restart it may be late)
        fixture.given(orgGranted())
                .andGivenCurrentTime(t0.plus(Duration.ofHours(8)).plusSeconds(1))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectException(RuleViolation.class)
                .expectNoEvents();
    }

    @Test
    void aSessionCannotStartInAGrantPastItsExpiry() {
        fixture.given(orgGranted())
                .andGivenCurrentTime(t0.plus(Duration.ofHours(8)))
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    @Test
    void extendingTheGrantLeavesASessionThatEndsBeforeItsExpiryAsItIs() {
        fixture.given(orgGranted(), started())
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()));
    }

    /** The org-wide grant is for the cases open when it was given: a case opened later needs a grant of its own. */
    @Test
    void theOrgWideGrantCoversOnlyTheCasesItNamed() {
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", LATER_CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class)
                .expectExceptionMessage(containsString("open when it was given"))
                .expectNoEvents();
        fixture.given(orgGranted(), new SupportAccessGranted(ORG, "g-3", GrantScope.CASE, LATER_CASE,
                        List.of(LATER_CASE), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new StartImpersonation(ORG, "s-1", LATER_CASE, ORIGIN, TSE))
                .expectEvents(new ImpersonationStarted(ORG, "s-1", LATER_CASE, "g-3", t0.plus(Duration.ofHours(1)),
                        2L, ORIGIN, TSE.actor()));
    }

    /** A grant restored from a snapshot taken before grants named their cases is read narrowly, never widely. */
    @Test
    void aGrantWithoutItsCasesCoversNone() {
        assertThat(new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null, null, t0, null).cases())
                .doesNotContain(CASE);
        assertThat(new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null, List.of(CASE), t0, null).cases())
                .contains(CASE);
    }

    @Test
    void engineerWithoutAGrantCannotStartASession() {
        fixture.given(orgGranted(), new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                        ORIGIN, SUPER.actor()))
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    @Test
    void engineerNotAssignedToTheCaseCannotStartASession() {
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, OTHER_TSE))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        // nor learns that a case is closed (with no grant, the service answers the same, 403)
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CLOSED_CASE, ORIGIN, OTHER_TSE))
                .expectException(AccessDenied.class)
                .expectNoEvents();
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CLOSED_CASE, ORIGIN, TSE))
                .expectException(RuleViolation.class).expectExceptionMessage("case " + CLOSED_CASE + " is closed")
                .expectNoEvents();
    }

    /** DOMAIN.md: a lead or manager may, on a case of its team, everything the engineer may. */
    @Test
    void aLeadOfTheCasesTeamStartsASessionAnotherTeamsMayNot() {
        Caller lead = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        Caller otherLead = new Caller("lead-leo", "Leo", Set.of(Roles.TEAM_LEAD), null, Set.of("mfa"));
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, lead))
                .expectEvents(new ImpersonationStarted(ORG, "s-1", CASE, "g-1", t0.plus(Duration.ofHours(1)), 2L,
                        ORIGIN, lead.actor()));
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, otherLead))
                .expectException(AccessDenied.class)
                .expectNoEvents();
    }

    /** A principal with several roles impersonates, on record, in the one that lets it, and stops in the same. */
    @Test
    void sessionsRecordTheRoleTheEngineerActedIn() {
        Caller tomAlsoManager = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER, Roles.SUPPORT_MANAGER),
                null, Set.of("sso"));
        assertThat(tomAlsoManager.actor().role()).isEqualTo(Roles.SUPPORT_MANAGER); // its first role
        ImpersonationStarted asEngineer = new ImpersonationStarted(ORG, "s-1", CASE, "g-1",
                t0.plus(Duration.ofHours(1)), 2L, ORIGIN, TSE.actor()); // the case's engineer
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, tomAlsoManager))
                .expectEvents(asEngineer);
        fixture.given(orgGranted(), asEngineer)
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, tomAlsoManager))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.STOPPED, ORIGIN,
                        TSE.actor()));
    }

    @Test
    void superAdminCannotImpersonate() {
        fixture.given(orgGranted())
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, SUPER))
                .expectException(AccessDenied.class);
    }

    @Test
    void caseGrantDoesNotCoverAnotherCase() {
        fixture.given(new SupportAccessGranted(ORG, "g-2", GrantScope.CASE, CLOSED_CASE, List.of(CLOSED_CASE),
                        t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .expectException(AccessDenied.class);
    }

    @Test
    void engineerStopsItsSession() {
        fixture.given(orgGranted(), started())
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, TSE))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.STOPPED, ORIGIN,
                        TSE.actor()))
                .expectResultMessagePayload(new SessionStop(CASE, SessionEndReason.STOPPED));
    }

    /** A session that ended (here by the grant's revocation) is no longer stopped: a conflict, nothing recorded. */
    @Test
    void aSessionThatEndedCannotBeStopped() {
        fixture.given(orgGranted(), started(), new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null,
                        List.of(CASE), ORIGIN, SUPER.actor()),
                        new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.GRANT_REVOKED, ORIGIN,
                                SUPER.actor()))
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, TSE))
                .expectNoEvents()
                .expectException(RuleViolation.class)
                .expectExceptionMessage(containsString("session s-1 has ended"));
    }

    /**
     * A session past its end whose deadline was not handled yet (they are polled, and late after a restart) ended
     * at that end: a stop, a revocation, a case's closure or a new start afterwards records that end, by Casetrail,
     * not one of their own.
     */
    @Test
    void whatComesAfterASessionsEndRecordsThatEndNotItsOwn() {
        Instant pastItsEnd = t0.plus(Duration.ofHours(1)).plusMillis(1);
        ImpersonationEnded maxLength = new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom",
                SessionEndReason.MAX_LENGTH, RequestOrigin.NONE, Actor.SYSTEM);
        fixture.given(orgGranted(), started()).andGivenCurrentTime(pastItsEnd)
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, TSE))
                .expectEvents(maxLength)
                .expectResultMessagePayload(new SessionStop(CASE, SessionEndReason.MAX_LENGTH));
        fixture.given(orgGranted(), started()).andGivenCurrentTime(pastItsEnd)
                .when(new RevokeOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(maxLength, new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                        ORIGIN, SUPER.actor()));
        fixture.given(orgGranted(), started()).andGivenCurrentTime(pastItsEnd)
                .when(new EndCaseSessions(ORG, CASE, null, 9, SessionEndReason.CASE_CLOSED))
                .expectEvents(maxLength);
        fixture.given(orgGranted(), started()).andGivenCurrentTime(pastItsEnd)
                .when(new StartImpersonation(ORG, "s-2", CASE, ORIGIN, TSE))
                .expectEvents(maxLength, new ImpersonationStarted(ORG, "s-2", CASE, "g-1",
                        pastItsEnd.plus(Duration.ofHours(1)), 2L, ORIGIN, TSE.actor()));
    }

    /**
     * Events are stamped to the microsecond and a session's end is set to the millisecond: a session that was to
     * end at its maximum length is not extended with its grant for the difference.
     */
    @Test
    void extendingTheGrantOfASessionStartedBetweenTwoMillisecondsExtendsNoSession() {
        fixture.givenCurrentTime(t0.plusNanos(123_456))
                .andGivenCommands(new GrantOrgSupport(ORG, "g-1", List.of(CASE), ORIGIN, SUPER),
                        new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .when(new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-1", GrantScope.ORG, null, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()));
    }

    /**
     * A session is stopped by the engineer who started it or by support working its case (a lead or manager of its
     * team; the engineer it is assigned to, a lead's session too), in that role; not by another engineer, a lead of
     * another team, the lead who opened the case on the customer's behalf, or the org.
     */
    @Test
    void theEngineerOrSupportWorkingTheCaseStopsASession() {
        Caller lead = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        Caller manager = new Caller("mgr-may", "May", Set.of(Roles.SUPPORT_MANAGER), null, Set.of("sso"));
        Caller otherLead = new Caller("lead-leo", "Leo", Set.of(Roles.TEAM_LEAD), null, Set.of("mfa"));
        for (Caller refused : List.of(OTHER_TSE, otherLead, SUPER)) {
            fixture.given(orgGranted(), started())
                    .when(new StopImpersonation(ORG, "s-1", ORIGIN, refused))
                    .expectException(AccessDenied.class).expectNoEvents();
        }
        for (Caller overseer : List.of(lead, manager)) {
            fixture.given(orgGranted(), started())
                    .when(new StopImpersonation(ORG, "s-1", ORIGIN, overseer))
                    .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.STOPPED,
                            ORIGIN, overseer.actor()))
                    .expectResultMessagePayload(new SessionStop(CASE, SessionEndReason.STOPPED));
        }
        // a lead's session, stopped by the engineer the case is assigned to
        fixture.given(orgGranted(), new ImpersonationStarted(ORG, "s-1", CASE, "g-1", t0.plus(Duration.ofHours(1)),
                        2L, ORIGIN, lead.actor()))
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, TSE))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "lead-lu", SessionEndReason.STOPPED, ORIGIN,
                        TSE.actor()));
        // the lead who opened the case on the customer's behalf does not work it: another's session there is not its
        Caller opener = new Caller("lead-otto", "Otto", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(ON_BEHALF_CASE),
                        Map.of(ON_BEHALF_CASE, 2L), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()),
                        new ImpersonationStarted(ORG, "s-1", ON_BEHALF_CASE, "g-1", t0.plus(Duration.ofHours(1)), 2L,
                                ORIGIN, TSE.actor()))
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, opener))
                .expectException(AccessDenied.class).expectNoEvents();
        fixture.given(new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null, List.of(ON_BEHALF_CASE),
                        Map.of(ON_BEHALF_CASE, 2L), t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()),
                        new ImpersonationStarted(ORG, "s-1", ON_BEHALF_CASE, "g-1", t0.plus(Duration.ofHours(1)), 2L,
                                ORIGIN, TSE.actor()))
                .when(new StopImpersonation(ORG, "s-1", ORIGIN, lead))
                .expectSuccessfulHandlerExecution();
    }

    /**
     * The lead who opened a case on the customer's behalf starts no session on it (api.md, security.md: no team
     * rights from that case); another lead of its team does.
     */
    @Test
    void theLeadWhoOpenedACaseOnTheCustomersBehalfStartsNoSessionOnIt() {
        SupportAccessGranted grant = new SupportAccessGranted(ORG, "g-1", GrantScope.ORG, null,
                List.of(ON_BEHALF_CASE), Map.of(ON_BEHALF_CASE, 2L), t0.plus(Duration.ofHours(8)), ORIGIN,
                SUPER.actor());
        Caller opener = new Caller("lead-otto", "Otto", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        fixture.given(grant)
                .when(new StartImpersonation(ORG, "s-1", ON_BEHALF_CASE, ORIGIN, opener))
                .expectException(AccessDenied.class).expectNoEvents();
        Caller lead = new Caller("lead-lu", "Lu", Set.of(Roles.TEAM_LEAD), null, Set.of("sso"));
        fixture.given(grant)
                .when(new StartImpersonation(ORG, "s-1", ON_BEHALF_CASE, ORIGIN, lead))
                .expectEvents(new ImpersonationStarted(ORG, "s-1", ON_BEHALF_CASE, "g-1",
                        t0.plus(Duration.ofHours(1)), 2L, ORIGIN, lead.actor()));
    }

    @Test
    void revokingTheGrantEndsItsSessions() {
        fixture.given(orgGranted(), started())
                .when(new RevokeOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null, List.of(CASE), ORIGIN,
                                SUPER.actor()),
                        new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.GRANT_REVOKED, ORIGIN,
                                SUPER.actor()));
    }

    /** The org's revoke, the identity platform's one switch, ends every grant in force, a case's own too. */
    @Test
    void revokingOrgSupportEndsEveryGrant() {
        fixture.given(orgGranted(), caseGranted())
                .when(new RevokeOrgSupport(ORG, ORIGIN, SUPER))
                .expectEvents(new SupportAccessRevoked(ORG, "g-1", GrantScope.ORG, null, List.of(CASE), ORIGIN,
                                SUPER.actor()),
                        new SupportAccessRevoked(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), ORIGIN,
                                SUPER.actor()));
    }

    @Test
    void revokingACaseGrantLeavesTheOrgGrantsSessions() {
        fixture.given(orgGranted(), caseGranted(), started())
                .when(new RevokeCaseSupport(ORG, CASE, ORIGIN, SUPER))
                .expectEvents(new SupportAccessRevoked(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), ORIGIN,
                        SUPER.actor()));
    }

    @Test
    void grantExpiresAfterEightHoursAndEndsItsSessions() {
        // sessions may last longer than the grant has left here, so the grant's expiry is what ends this one
        AggregateTestFixture<OrgSupportAccess> longSessions = new AggregateTestFixture<>(OrgSupportAccess.class);
        longSessions.registerInjectableResource(new AccessRules(Duration.ofHours(8), Duration.ofHours(24),
                Duration.ofHours(10)));
        longSessions.registerInjectableResource((CaseLookup) number -> Optional.ofNullable(CASES.get(number)));
        longSessions.givenCurrentTime(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        Instant start = longSessions.currentTime();
        longSessions.givenCommands(new GrantOrgSupport(ORG, "g-1", List.of(CASE), ORIGIN, SUPER),
                        new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .whenTimeElapses(Duration.ofHours(8))
                .expectEventsMatching(Matchers.payloadsMatching(Matchers.exactSequenceOf(
                        org.hamcrest.Matchers.equalTo(new SupportAccessExpired(ORG, "g-1", GrantScope.ORG, null,
                                List.of(CASE), start.plus(Duration.ofHours(8)), Actor.SYSTEM)),
                        org.hamcrest.Matchers.equalTo(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom",
                                SessionEndReason.GRANT_EXPIRED, RequestOrigin.NONE, Actor.SYSTEM)),
                        Matchers.andNoMore())));
    }

    @Test
    void extendedGrantDoesNotExpireAtItsFirstExpiry() {
        fixture.givenCommands(new GrantOrgSupport(ORG, "g-1", List.of(CASE), ORIGIN, SUPER),
                        new ExtendOrgSupport(ORG, ORIGIN, SUPER))
                .whenTimeElapses(Duration.ofHours(8))
                .expectNoEvents();
    }

    @Test
    void sessionEndsAtTheMaximumLength() {
        fixture.givenCommands(new GrantOrgSupport(ORG, "g-1", List.of(CASE), ORIGIN, SUPER),
                        new StartImpersonation(ORG, "s-1", CASE, ORIGIN, TSE))
                .whenTimeElapses(Duration.ofHours(1))
                .expectEvents(new ImpersonationEnded(ORG, "s-1", CASE, "tse-tom", SessionEndReason.MAX_LENGTH,
                        RequestOrigin.NONE, Actor.SYSTEM));
    }

    /**
     * A case's grant restored from a snapshot taken before grants kept the cases they cover covers its own case, as
     * its events say; an org-wide grant so restored covers none.
     */
    @Test
    void aCaseGrantWithoutItsCoveredCasesCoversItsCase() {
        assertThat(new OrgSupportAccess.Grant("g-2", GrantScope.CASE, CASE, null, t0, null).cases()).contains(CASE);
        assertThat(new OrgSupportAccess.Grant("g-2", GrantScope.CASE, CASE, null, t0, null).cases())
                .doesNotContain(CLOSED_CASE);
        assertThat(new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null, null, t0, null).cases())
                .doesNotContain(CASE);
        // and its later events name that case, so that their System Log entries do (filter target.id eq the case)
        assertThat(new OrgSupportAccess.Grant("g-2", GrantScope.CASE, CASE, null, t0, null).cases())
                .containsExactly(CASE);
        assertThat(new OrgSupportAccess.Grant("g-1", GrantScope.ORG, null, null, t0, null).cases()).isEmpty();
    }

    /** A case closed since its grant was given takes no more time (its grant may still be revoked). */
    @Test
    void theGrantOfACaseClosedSinceIsNotExtended() {
        fixture.given(new SupportAccessGranted(ORG, "g-9", GrantScope.CASE, CLOSED_CASE, List.of(CLOSED_CASE),
                        t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new ExtendCaseSupport(ORG, CLOSED_CASE, t0.plus(Duration.ofHours(32)), ORIGIN, SUPER))
                .expectException(RuleViolation.class)
                .expectExceptionMessage("case " + CLOSED_CASE + " is closed")
                .expectNoEvents();
        fixture.given(new SupportAccessGranted(ORG, "g-9", GrantScope.CASE, CLOSED_CASE, List.of(CLOSED_CASE),
                        t0.plus(Duration.ofHours(8)), ORIGIN, SUPER.actor()))
                .when(new RevokeCaseSupport(ORG, CLOSED_CASE, ORIGIN, SUPER))
                .expectEvents(new SupportAccessRevoked(ORG, "g-9", GrantScope.CASE, CLOSED_CASE, List.of(CLOSED_CASE),
                        ORIGIN, SUPER.actor()));
    }

    /**
     * The expiration sent is what the caller saw or wants: the grant's own (the case sent back as listed), or an
     * earlier one still to come (listed before another admin extended it), changes nothing; one past is refused; a
     * later one extends by the platform's 24 hours.
     */
    @Test
    void anExtensionAsksForALaterExpiration() {
        fixture.given(caseGranted())
                .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(8)), ORIGIN, SUPER))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(caseGranted())
                .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(7)), ORIGIN, SUPER))
                .expectSuccessfulHandlerExecution().expectNoEvents();
        fixture.given(caseGranted())
                .when(new ExtendCaseSupport(ORG, CASE, t0.minus(Duration.ofMinutes(1)), ORIGIN, SUPER))
                .expectException(RuleViolation.class)
                .expectExceptionMessage(org.hamcrest.Matchers.containsString("which is past"))
                .expectNoEvents();
        fixture.given(caseGranted())
                .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(9)), ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()));
        fixture.givenNoPriorActivity()
                .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(9)), ORIGIN, SUPER))
                .expectException(org.axonframework.modelling.command.AggregateNotFoundException.class);
    }

    @Test
    void caseGrantIsExtendedAndRevoked() {
        fixture.given(caseGranted())
                .when(new ExtendCaseSupport(ORG, CASE, t0.plus(Duration.ofHours(32)), ORIGIN, SUPER))
                .expectEvents(new SupportAccessExtended(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()));
        fixture.given(caseGranted(), new SupportAccessExtended(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE),
                        t0.plus(Duration.ofHours(32)), ORIGIN, SUPER.actor()))
                .when(new RevokeCaseSupport(ORG, CASE, ORIGIN, SUPER))
                .expectEvents(new SupportAccessRevoked(ORG, "g-2", GrantScope.CASE, CASE, List.of(CASE), ORIGIN,
                        SUPER.actor()));
    }
}
