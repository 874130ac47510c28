package io.casetrail.escalations.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.ResultValidator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import io.casetrail.escalations.command.EscalationCommands.AcceptEscalation;
import io.casetrail.escalations.command.EscalationCommands.ApproveStep;
import io.casetrail.escalations.command.EscalationCommands.AssignManager;
import io.casetrail.escalations.command.EscalationCommands.CloseEscalation;
import io.casetrail.escalations.command.EscalationCommands.PostUpdate;
import io.casetrail.escalations.command.EscalationCommands.ProvideInformation;
import io.casetrail.escalations.command.EscalationCommands.RaiseEscalation;
import io.casetrail.escalations.command.EscalationCommands.RejectEscalation;
import io.casetrail.escalations.command.EscalationCommands.RequestInformation;
import io.casetrail.escalations.command.EscalationCommands.ResolveEscalation;
import io.casetrail.escalations.command.EscalationCommands.WithdrawEscalation;
import io.casetrail.escalations.command.EscalationCommands.EndForClosedCase;
import io.casetrail.events.Actor;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.escalation.ApprovalRule;
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
import io.casetrail.events.escalation.TimelineExcerpt;
import io.casetrail.platform.cases.CaseLookup;
import io.casetrail.platform.cases.KnownCases.KnownCase;
import io.casetrail.platform.errors.AccessDenied;
import io.casetrail.platform.errors.InvalidInput;
import io.casetrail.platform.errors.NotFound;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;

/** The escalation rules, as given / when / then on the escalation aggregate, with the chains as configured. */
class EscalationTest {

    static final String ID = "e-1";
    static final String CASE = "00100001";
    static final String ORG = "org-acme";
    static final Caller TOM = caller("tse-tom", Roles.SUPPORT_ENGINEER, "sso");
    static final Caller TIA = caller("tse-tia", Roles.SUPPORT_ENGINEER, "sso");
    static final Caller LU = caller("lead-lu", Roles.TEAM_LEAD, "sso");
    static final Caller LIN = caller("lead-lin", Roles.TEAM_LEAD, "sso");
    static final Caller LEO = caller("lead-leo", Roles.TEAM_LEAD, "mfa");
    static final Caller MAY = caller("mgr-may", Roles.SUPPORT_MANAGER, "sso");
    static final Caller EMMA = caller("engmgr-emma", Roles.ENGINEERING_MANAGER);
    static final Caller ELI = caller("engmgr-eli", Roles.ENGINEERING_MANAGER);
    static final Caller ERIN = caller("engmgr-erin", Roles.ENGINEERING_MANAGER);
    static final Caller DEV = caller("eng-dev", Roles.ENGINEER);
    static final Caller DORA = caller("eng-dora", Roles.ENGINEER);
    static final Caller EVE = caller("em-eve", Roles.ESCALATION_MANAGER);
    static final List<String> LOG_EXCERPTS = List.of("2026-11-28T09:14:59Z WARN saml: assertion signature invalid");
    static final List<TimelineExcerpt> TIMELINE = List.of(new TimelineExcerpt(java.time.Instant.parse(
            "2026-11-28T10:00:00Z"), "io.casetrail.case.opened.v1", "Ada", "SAML login fails"));

    /** Case 00100001 of Acme (sso team), assigned to Tom; case 00100002 closed. */
    static final CaseLookup FACTS = number -> Optional.ofNullable(Map.of(
            CASE, new KnownCase(CASE, ORG, "SAML", "sso", "tse-tom", "admin-ada", null, CaseStatus.OPEN, 2L, null, 0L),
            "00100002", new KnownCase("00100002", ORG, "old", "sso", "tse-tom", "admin-ada", null, CaseStatus.CLOSED,
                    5L, null, null))
            .get(number));

    static Caller caller(String id, String role, String... teams) {
        return new Caller(id, id, Set.of(role), null, Set.of(teams));
    }

    static Actor as(Caller caller, String role) {
        return new Actor(caller.id(), caller.displayName(), Actor.Kind.SUPPORT, role);
    }

    /** The chains of application.properties: what runs unless an operator configures otherwise. */
    static ApprovalChains configured() throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            properties.load(reader);
        }
        Map<String, String> chains = new LinkedHashMap<>();
        String prefix = "casetrail.escalations.chain.";
        properties.stringPropertyNames().stream().filter(k -> k.startsWith(prefix))
                .forEach(k -> chains.put(k.substring(prefix.length()), properties.getProperty(k)));
        return ApprovalChains.of(chains);
    }

    /** The escalations raised on each case, as the raise records them, with the case's status sequence. */
    static final class RecordedByCase implements EscalationsByCase {
        final Map<String, Map<String, Long>> byCase = new LinkedHashMap<>();

        @Override
        public void add(String caseNumber, String escalationId, Long caseStatusSequence) {
            byCase.computeIfAbsent(caseNumber, c -> new LinkedHashMap<>()).put(escalationId, caseStatusSequence);
        }

        @Override
        public List<String> raisedBefore(String caseNumber, long sequence) {
            return byCase.getOrDefault(caseNumber, Map.of()).entrySet().stream()
                    .filter(e -> e.getValue() == null || e.getValue() < sequence).map(Map.Entry::getKey).toList();
        }

        /** Each case's escalations' managers, latest assigned last. */
        final Map<String, LinkedHashMap<String, String>> managers = new LinkedHashMap<>();

        @Override
        public Optional<String> intermediaryBesides(String caseNumber, String escalationId) {
            return managers.getOrDefault(caseNumber, new LinkedHashMap<>()).entrySet().stream()
                    .filter(e -> !e.getKey().equals(escalationId)).map(Map.Entry::getValue)
                    .reduce((earlier, later) -> later);
        }

        /** Each case's assignments so far. */
        final Map<String, Long> places = new HashMap<>();

        @Override
        public long managerAssigned(String caseNumber, String escalationId, String managerId) {
            LinkedHashMap<String, String> ofCase = managers.computeIfAbsent(caseNumber, c -> new LinkedHashMap<>());
            ofCase.remove(escalationId);
            ofCase.put(escalationId, managerId);
            return places.merge(caseNumber, 1L, Long::sum);
        }
    }

    AggregateTestFixture<Escalation> fixture;
    ApprovalChains chains;
    RecordedByCase byCase;

    @BeforeEach
    void setUp() throws IOException {
        chains = configured();
        byCase = new RecordedByCase();
        fixture = new AggregateTestFixture<>(Escalation.class);
        fixture.registerInjectableResource(FACTS);
        fixture.registerInjectableResource(chains);
        fixture.registerInjectableResource(byCase);
    }

    EscalationRaised raised(String type) {
        return new EscalationRaised(ID, ORG, CASE, "sso", type, "SAML assertions rejected", "All users locked out",
                List.of("req-1"), List.of("log-1"), LOG_EXCERPTS, TIMELINE, chains.chain(type).orElseThrow(), TOM.actor());
    }

    RaiseEscalation raise(String type, Caller caller) {
        return new RaiseEscalation(ID, CASE, type, "SAML assertions rejected", "All users locked out",
                List.of("req-1"), List.of("log-1"), LOG_EXCERPTS, TIMELINE, caller);
    }

    EscalationStepApproved approved(int step, String name, boolean complete, Caller by, String role) {
        return new EscalationStepApproved(ID, ORG, CASE, step, name, complete, as(by, role));
    }

    /** A defect escalation approved by Lu and May: on the board. */
    Object[] approvedDefect() {
        return new Object[] {raised("defect"), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER),
                new EscalationApproved(ID, ORG, CASE, "defect", as(MAY, Roles.SUPPORT_MANAGER))};
    }

    Object[] accepted() {
        Object[] board = approvedDefect();
        Object[] all = java.util.Arrays.copyOf(board, board.length + 1);
        all[board.length] = new EscalationAccepted(ID, ORG, CASE, as(DEV, Roles.ENGINEER));
        return all;
    }

    @Nested
    class Raising {

        @Test
        void engineerWorkingTheCaseRaisesWithTheChainOfItsRequestType() {
            fixture.givenNoPriorActivity().when(raise("defect", TOM)).expectEvents(raised("defect"))
                    .expectResultMessagePayload(ID);
            // what the case's closure will look at: raised on the case's status of its event 2
            assertThat(byCase.byCase).isEqualTo(Map.of(CASE, Map.of(ID, 2L)));
        }

        /** A principal with several roles acts, on record, in the one that lets it act, not its first. */
        @Test
        void eventsRecordTheRoleTheCallerActedIn() {
            Caller tomAlsoManager = new Caller("tse-tom", "tse-tom", Set.of(Roles.SUPPORT_ENGINEER,
                    Roles.ESCALATION_MANAGER), null, Set.of("sso"));
            assertThat(tomAlsoManager.actor().role()).isEqualTo(Roles.ESCALATION_MANAGER); // its first role
            fixture.givenNoPriorActivity().when(raise("defect", tomAlsoManager))
                    .expectEvents(raised("defect"));   // as the case's engineer
            Caller luAlsoManager = new Caller("lead-lu", "lead-lu", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER,
                    Roles.ESCALATION_MANAGER), null, Set.of("sso"));
            Object[] resolved = java.util.Arrays.copyOf(accepted(), accepted().length + 1);
            resolved[resolved.length - 1] = new EscalationResolved(ID, ORG, CASE, "Fixed", 2L,
                    as(DEV, Roles.ENGINEER));
            fixture.given(resolved).when(new CloseEscalation(ID, luAlsoManager))
                    .expectEvents(new EscalationClosed(ID, ORG, CASE, as(luAlsoManager, Roles.TEAM_LEAD)));
        }

        @Test
        void leadOfTheCasesTeamMayRaiseToo() {
            fixture.givenNoPriorActivity().when(raise("question", LU)).expectSuccessfulHandlerExecution();
        }

        @Test
        void engineerNotWorkingTheCaseCannotRaise() {
            fixture.givenNoPriorActivity().when(raise("defect", TIA)).expectException(AccessDenied.class)
                    .expectNoEvents();
            fixture.givenNoPriorActivity().when(raise("defect", LEO)).expectException(AccessDenied.class);
            assertThat(byCase.byCase).isEmpty();
        }

        @Test
        void unknownOrClosedCaseIsRefused() {
            fixture.givenNoPriorActivity().when(new RaiseEscalation(ID, "00999999", "defect", "s", "i", null, null,
                    null, List.of(), TOM)).expectException(NotFound.class);
            fixture.givenNoPriorActivity().when(new RaiseEscalation(ID, "00100002", "defect", "s", "i", null, null,
                    null, List.of(), TOM)).expectException(RuleViolation.class).expectNoEvents();
            // one who may not escalate the case is told so, not that it is closed
            fixture.givenNoPriorActivity().when(new RaiseEscalation(ID, "00100002", "defect", "s", "i", null, null,
                    null, List.of(), LEO)).expectException(AccessDenied.class).expectNoEvents();
        }

        @Test
        void unknownRequestTypeIsRefused() {
            fixture.givenNoPriorActivity().when(raise("wish", TOM)).expectException(InvalidInput.class);
        }
    }

    @Nested
    class DefaultChains {

        @Test
        void questionNeedsATeamLead() {
            fixture.given(raised("question")).when(new ApproveStep(ID, LU))
                    .expectEvents(approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                            new EscalationApproved(ID, ORG, CASE, "question", as(LU, Roles.TEAM_LEAD)))
                    .expectResultMessagePayload(EscalationStatus.APPROVED);
        }

        @Test
        void defectNeedsATeamLeadThenASupportManager() {
            fixture.given(raised("defect")).when(new ApproveStep(ID, LU))
                    .expectEvents(approved(0, "team-lead", true, LU, Roles.TEAM_LEAD))
                    .expectResultMessagePayload(EscalationStatus.AWAITING_APPROVAL);
            fixture.given(raised("defect"), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, MAY))
                    .expectEvents(approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "defect", as(MAY, Roles.SUPPORT_MANAGER)));
        }

        @Test
        void aManagerCannotApproveTheLeadsStep() {
            fixture.given(raised("defect")).when(new ApproveStep(ID, MAY)).expectException(AccessDenied.class)
                    .expectNoEvents();
        }

        /** A data fix needs a lead, a manager and an engineering manager; a hotfix two engineering managers. */
        @Test
        void dataFixAndHotfixNeedLeadManagerAndEngineeringManagers() {
            for (String type : List.of("data-fix", "hotfix")) {
                int engineeringManagers = type.equals("hotfix") ? 2 : 1;
                String last = engineeringManagers == 1 ? "engineering-manager" : "2 of engineering-manager";
                assertThat(chains.chain(type).orElseThrow()).extracting(ApprovalStep::name, ApprovalStep::rule,
                                ApprovalStep::required)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("team-lead", ApprovalRule.ANY, 1),
                                org.assertj.core.groups.Tuple.tuple("support-manager", ApprovalRule.ANY, 1),
                                org.assertj.core.groups.Tuple.tuple(last, engineeringManagers == 1
                                        ? ApprovalRule.ANY : ApprovalRule.N_OF, engineeringManagers));
                fixture.given(raised(type), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD))
                        .when(new ApproveStep(ID, EMMA)).expectException(AccessDenied.class).expectNoEvents();
                fixture.given(raised(type), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                                approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER))
                        .when(new ApproveStep(ID, EMMA))
                        .expectEvents(engineeringManagers == 1
                                ? new Object[] {approved(2, last, true, EMMA, Roles.ENGINEERING_MANAGER),
                                        new EscalationApproved(ID, ORG, CASE, type, as(EMMA,
                                                Roles.ENGINEERING_MANAGER))}
                                : new Object[] {approved(2, last, false, EMMA, Roles.ENGINEERING_MANAGER)});
            }
            // the hotfix's second engineering manager approves it; the first cannot sign twice
            Object[] firstSigned = {raised("hotfix"), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                    approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER),
                    approved(2, "2 of engineering-manager", false, EMMA, Roles.ENGINEERING_MANAGER)};
            fixture.given(firstSigned).when(new ApproveStep(ID, EMMA)).expectException(RuleViolation.class)
                    .expectNoEvents();
            fixture.given(firstSigned).when(new ApproveStep(ID, ELI))
                    .expectEvents(approved(2, "2 of engineering-manager", true, ELI, Roles.ENGINEERING_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "hotfix", as(ELI, Roles.ENGINEERING_MANAGER)));
        }
    }

    @Nested
    class StepRules {

        ApprovalChains custom() {
            return ApprovalChains.of(Map.of("special",
                    "any(team-lead, support-manager) > all(engineering-manager: engmgr-emma, engmgr-erin)"));
        }

        EscalationRaised special() {
            return new EscalationRaised(ID, ORG, CASE, "sso", "special", "s", "i", List.of(), List.of(), List.of(),
                    List.of(), custom().chain("special").orElseThrow(), TOM.actor());
        }

        @Test
        void anyStepTakesAnyOneOfItsRoles() {
            fixture.registerInjectableResource(custom());
            fixture.given(special()).when(new ApproveStep(ID, MAY))
                    .expectEvents(approved(0, "team-lead or support-manager", true, MAY, Roles.SUPPORT_MANAGER));
        }

        @Test
        void allStepNeedsEveryNamedApproverAndNobodyElse() {
            fixture.given(special(), approved(0, "team-lead or support-manager", true, LU, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, ELI)).expectException(AccessDenied.class).expectNoEvents();
            fixture.given(special(), approved(0, "team-lead or support-manager", true, LU, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, EMMA))
                    .expectEvents(approved(1, "all of engmgr-emma, engmgr-erin", false, EMMA,
                            Roles.ENGINEERING_MANAGER));
            fixture.given(special(), approved(0, "team-lead or support-manager", true, LU, Roles.TEAM_LEAD),
                            approved(1, "all of engmgr-emma, engmgr-erin", false, EMMA, Roles.ENGINEERING_MANAGER))
                    .when(new ApproveStep(ID, ERIN))
                    .expectEvents(approved(1, "all of engmgr-emma, engmgr-erin", true, ERIN,
                                    Roles.ENGINEERING_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "special", as(ERIN, Roles.ENGINEERING_MANAGER)));
        }

        @Test
        void nStepCountsDistinctApprovers() {
            ApprovalChains twoManagers = ApprovalChains.of(Map.of("careful",
                    "any(team-lead) > 2(engineering-manager)"));
            EscalationRaised careful = new EscalationRaised(ID, ORG, CASE, "sso", "careful", "s", "i", List.of(),
                    List.of(), List.of(), List.of(), twoManagers.chain("careful").orElseThrow(), TOM.actor());
            fixture.given(careful, approved(0, "team-lead", true, LU, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, EMMA))
                    .expectEvents(approved(1, "2 of engineering-manager", false, EMMA, Roles.ENGINEERING_MANAGER));
            fixture.given(careful, approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                            approved(1, "2 of engineering-manager", false, EMMA, Roles.ENGINEERING_MANAGER))
                    .when(new ApproveStep(ID, EMMA)).expectException(RuleViolation.class).expectNoEvents();
            fixture.given(careful, approved(0, "team-lead", true, LU, Roles.TEAM_LEAD),
                            approved(1, "2 of engineering-manager", false, EMMA, Roles.ENGINEERING_MANAGER))
                    .when(new ApproveStep(ID, ELI))
                    .expectEvents(approved(1, "2 of engineering-manager", true, ELI, Roles.ENGINEERING_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "careful", as(ELI, Roles.ENGINEERING_MANAGER)));
        }

        @Test
        void nobodyApprovesTheirOwnRequest() {
            Caller leadRaising = LU;
            fixture.given(new EscalationRaised(ID, ORG, CASE, "sso", "question", "s", "i", List.of(), List.of(),
                            List.of(), List.of(), chains.chain("question").orElseThrow(), leadRaising.actor()))
                    .when(new ApproveStep(ID, LU)).expectException(AccessDenied.class).expectNoEvents();
        }

        /** A step that would need the raiser's own approval never completes: such a raise is refused. */
        @Test
        void aChainThatNeedsTheRaisersApprovalIsNotRaisedByThem() {
            AggregateTestFixture<Escalation> leads = new AggregateTestFixture<>(Escalation.class);
            leads.registerInjectableResource(FACTS);
            leads.registerInjectableResource(ApprovalChains.of(Map.of("question",
                    "all(team-lead: lead-lu, lead-lin)")));
            leads.registerInjectableResource(byCase);
            leads.givenNoPriorActivity().when(raise("question", TOM)).expectSuccessfulHandlerExecution();
            leads.givenNoPriorActivity().when(raise("question", LU)).expectNoEvents()
                    .expectException(RuleViolation.class)
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString("own escalation"));
        }

        /**
         * One approver per step: a named approver of a later all-of step is refused an earlier step, which would
         * leave the later one unable to complete.
         */
        @Test
        void aNamedApproverOfALaterStepLeavesEarlierStepsToOthers() {
            fixture.registerInjectableResource(custom());
            fixture.given(special()).when(new ApproveStep(ID, caller("engmgr-emma", Roles.TEAM_LEAD, "sso")))
                    .expectNoEvents().expectException(RuleViolation.class)
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString("is named to approve step"));
        }

        @Test
        void nobodyApprovesTheSameStepTwice() {
            fixture.given(special(), approved(0, "team-lead or support-manager", true, LU, Roles.TEAM_LEAD),
                            approved(1, "all of engmgr-emma, engmgr-erin", false, EMMA, Roles.ENGINEERING_MANAGER))
                    .when(new ApproveStep(ID, EMMA)).expectException(RuleViolation.class).expectNoEvents();
        }

        /** A lead who is also a support manager approves one step of a defect's chain, not both. */
        @Test
        void whoApprovedAnEarlierStepCannotApproveALaterOne() {
            Caller leadAndManager = new Caller("lead-lou", "Lou", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER),
                    null, Set.of("sso"));
            fixture.given(raised("defect"), approved(0, "team-lead", true, leadAndManager, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, leadAndManager))
                    .expectException(RuleViolation.class).expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "approved an earlier step"))
                    .expectNoEvents();
            fixture.given(raised("defect"), approved(0, "team-lead", true, leadAndManager, Roles.TEAM_LEAD))
                    .when(new ApproveStep(ID, MAY))
                    .expectEvents(approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "defect", as(MAY, Roles.SUPPORT_MANAGER)));
        }

        /**
         * Two approvers at once: the one who lost the race, named with the step it saw, is told the chain moved on
         * (409) rather than approving, or rejecting, the next step it never saw; a stranger is refused as ever.
         */
        @Test
        void anApprovalOrRejectionNamingTheStepItSawDoesNotLandOnTheNext() {
            Caller leadAndManager = new Caller("lead-lou", "Lou", Set.of(Roles.TEAM_LEAD, Roles.SUPPORT_MANAGER),
                    null, Set.of("sso"));
            Object[] leadApproved = {raised("defect"), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD)};
            fixture.given(leadApproved).when(new ApproveStep(ID, 0, leadAndManager))
                    .expectException(RuleViolation.class).expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "is at step 1 ('support-manager'), not step 0"))
                    .expectNoEvents();
            fixture.given(leadApproved).when(new RejectEscalation(ID, 0, "not a defect", MAY))
                    .expectException(RuleViolation.class).expectNoEvents();
            fixture.given(leadApproved).when(new ApproveStep(ID, 0, LEO))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(leadApproved).when(new ApproveStep(ID, 1, MAY))
                    .expectEvents(approved(1, "support-manager", true, MAY, Roles.SUPPORT_MANAGER),
                            new EscalationApproved(ID, ORG, CASE, "defect", as(MAY, Roles.SUPPORT_MANAGER)));
            fixture.given(raised("defect")).when(new ApproveStep(ID, 0, LU))
                    .expectEvents(approved(0, "team-lead", true, LU, Roles.TEAM_LEAD));
        }

        @Test
        void supportApproversApproveOnlyForTheirOwnTeam() {
            fixture.given(raised("question")).when(new ApproveStep(ID, LEO)).expectException(AccessDenied.class);
        }

        /** Once the chain ended, one who is no approver of it is refused as before, not told how it ended. */
        @Test
        void aStrangerToTheChainLearnsNothingOfHowItEnded() {
            Object[] rejected = {raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                    as(LU, Roles.TEAM_LEAD))};
            for (Caller stranger : List.of(LEO, DEV, TOM)) {
                fixture.given(rejected).when(new ApproveStep(ID, stranger)).expectException(AccessDenied.class)
                        .expectNoEvents();
                fixture.given(rejected).when(new RejectEscalation(ID, "no", stranger))
                        .expectException(AccessDenied.class).expectNoEvents();
            }
            fixture.given(rejected).when(new ApproveStep(ID, MAY)).expectException(RuleViolation.class); // an approver
        }

        @Test
        void roleOutsideTheStepIsRefused() {
            fixture.given(raised("question")).when(new ApproveStep(ID, DEV)).expectException(AccessDenied.class);
            fixture.given(raised("question")).when(new ApproveStep(ID, EMMA)).expectException(AccessDenied.class);
        }

        @Test
        void rejectionEndsTheRequestWithItsReason() {
            fixture.given(raised("defect"), approved(0, "team-lead", true, LU, Roles.TEAM_LEAD))
                    .when(new RejectEscalation(ID, "Known issue, fix ships Monday", MAY))
                    .expectEvents(new EscalationRejected(ID, ORG, CASE, 1, "support-manager",
                            "Known issue, fix ships Monday", as(MAY, Roles.SUPPORT_MANAGER)))
                    .expectResultMessagePayload(EscalationStatus.REJECTED);
            fixture.given(raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                            as(LU, Roles.TEAM_LEAD)))
                    .when(new ApproveStep(ID, LIN)).expectException(RuleViolation.class).expectNoEvents();
        }

        @Test
        void onlyAnApproverOfTheStepRejects() {
            fixture.given(raised("defect")).when(new RejectEscalation(ID, "no", MAY))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(raised("defect")).when(new RejectEscalation(ID, "no", TOM))
                    .expectException(AccessDenied.class);
        }
    }

    @Nested
    class Engineering {

        /** Engineering does not see an escalation before its approval: refused (403), not told its status. */
        @Test
        void nothingBeforeApproval() {
            fixture.given(raised("defect")).when(new AcceptEscalation(ID, DEV)).expectException(AccessDenied.class)
                    .expectExceptionMessage("escalation " + ID + " has not reached Engineering").expectNoEvents();
            fixture.given(raised("defect")).when(new PostUpdate(ID, "looking", DEV))
                    .expectException(AccessDenied.class);
            fixture.given(raised("defect")).when(new ResolveEscalation(ID, "done", DEV))
                    .expectException(AccessDenied.class);
            fixture.given(raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                    as(LU, Roles.TEAM_LEAD))).when(new AcceptEscalation(ID, DEV))
                    .expectException(AccessDenied.class).expectNoEvents();
        }

        @Test
        void anEngineerAcceptsTheApprovedEscalation() {
            fixture.given(approvedDefect()).when(new AcceptEscalation(ID, DEV))
                    .expectEvents(new EscalationAccepted(ID, ORG, CASE, as(DEV, Roles.ENGINEER)))
                    .expectResultMessagePayload(EscalationStatus.ACCEPTED);
            fixture.given(approvedDefect()).when(new AcceptEscalation(ID, LU)).expectException(AccessDenied.class);
        }

        @Test
        void informationRequestedAndAnswered() {
            fixture.given(accepted()).when(new RequestInformation(ID, "Which IdP version?", DEV))
                    .expectEvents(new EngineeringInformationRequested(ID, ORG, CASE, "Which IdP version?",
                            as(DEV, Roles.ENGINEER)))
                    .expectResultMessagePayload(EscalationStatus.WAITING_FOR_SUPPORT);
            Object[] waiting = java.util.Arrays.copyOf(accepted(), accepted().length + 1);
            waiting[waiting.length - 1] = new EngineeringInformationRequested(ID, ORG, CASE, "Which IdP version?",
                    as(DEV, Roles.ENGINEER));
            fixture.given(waiting).when(new ProvideInformation(ID, "ADFS 4.0", TOM))
                    .expectEvents(new EngineeringInformationProvided(ID, ORG, CASE, "ADFS 4.0", TOM.actor()))
                    .expectResultMessagePayload(EscalationStatus.ACCEPTED);
            fixture.given(waiting).when(new ProvideInformation(ID, "ADFS 4.0", TIA))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(waiting).when(new ResolveEscalation(ID, "fixed", DEV)).expectException(RuleViolation.class);
            fixture.given(accepted()).when(new ProvideInformation(ID, "unasked", TOM))
                    .expectException(RuleViolation.class);
        }

        @Test
        void onlyTheOwningEngineerWorksIt() {
            fixture.given(accepted()).when(new PostUpdate(ID, "Reproduced", DEV))
                    .expectEvents(new EngineeringUpdatePosted(ID, ORG, CASE, "Reproduced", as(DEV, Roles.ENGINEER)));
            fixture.given(accepted()).when(new PostUpdate(ID, "me too", DORA)).expectException(AccessDenied.class);
            fixture.given(accepted()).when(new AcceptEscalation(ID, DORA)).expectException(RuleViolation.class);
        }

        @Test
        void engineeringResolvesAndSupportCloses() {
            fixture.given(accepted()).when(new ResolveEscalation(ID, "Fixed in 2026.11.3", DEV))
                    .expectEvents(new EscalationResolved(ID, ORG, CASE, "Fixed in 2026.11.3", 2L,
                            as(DEV, Roles.ENGINEER)));
            Object[] resolved = java.util.Arrays.copyOf(accepted(), accepted().length + 1);
            resolved[resolved.length - 1] = new EscalationResolved(ID, ORG, CASE, "Fixed", 2L,
                    as(DEV, Roles.ENGINEER));
            fixture.given(resolved).when(new CloseEscalation(ID, TOM))
                    .expectEvents(new EscalationClosed(ID, ORG, CASE, TOM.actor()))
                    .expectResultMessagePayload(EscalationStatus.CLOSED);
            fixture.given(resolved).when(new CloseEscalation(ID, DEV)).expectException(AccessDenied.class);
            fixture.given(accepted()).when(new CloseEscalation(ID, TOM)).expectException(RuleViolation.class);
        }
    }

    @Nested
    class Managers {

        @Test
        void anEscalationManagerTakesItAndMayThenAnswerAndClose() {
            fixture.given(raised("defect")).when(new AssignManager(ID, null, null, EVE))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "em-eve",
                            as(EVE, Roles.ESCALATION_MANAGER), 1L));
            Object[] waiting = java.util.Arrays.copyOf(accepted(), accepted().length + 2);
            waiting[waiting.length - 2] = new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve",
                    LU.actor());
            waiting[waiting.length - 1] = new EngineeringInformationRequested(ID, ORG, CASE, "q",
                    as(DEV, Roles.ENGINEER));
            fixture.given(waiting).when(new ProvideInformation(ID, "a", EVE))
                    .expectEvents(new EngineeringInformationProvided(ID, ORG, CASE, "a", EVE.actor()));
            Object[] resolved = java.util.Arrays.copyOf(waiting, waiting.length);
            resolved[resolved.length - 1] = new EscalationResolved(ID, ORG, CASE, "Fixed", 2L,
                    as(DEV, Roles.ENGINEER));
            fixture.given(resolved).when(new CloseEscalation(ID, EVE))
                    .expectEvents(new EscalationClosed(ID, ORG, CASE, EVE.actor()));
        }

        @Test
        void aLeadOfTheTeamNamesOneOthersMayNot() {
            fixture.given(raised("defect")).when(new AssignManager(ID, "em-eve", "Eve", LU))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve", LU.actor(), 1L));
            fixture.given(raised("defect")).when(new AssignManager(ID, "em-eve", "Eve", LEO))
                    .expectException(AccessDenied.class);
            fixture.given(raised("defect")).when(new AssignManager(ID, "em-eve", "Eve", TOM))
                    .expectException(AccessDenied.class);
            fixture.given(raised("defect")).when(new AssignManager(ID, null, null, LU))
                    .expectException(InvalidInput.class);
        }

        /** The manager takes over as intermediary: not the lead naming it, the raiser or the case's engineer. */
        @Test
        void theManagerNamedIsNotWhoWorksTheCaseOrRaisedTheEscalation() {
            for (String working : List.of("lead-lu", "tse-tom")) {
                fixture.given(raised("defect")).when(new AssignManager(ID, working, null, LU))
                        .expectException(InvalidInput.class).expectNoEvents();
            }
            // raised by a lead, who neither works the case nor names the manager here: still not the manager
            EscalationRaised raisedByLu = new EscalationRaised(ID, ORG, CASE, "sso", "defect",
                    "SAML assertions rejected", "All users locked out", List.of("req-1"), List.of("log-1"),
                    LOG_EXCERPTS, TIMELINE, chains.chain("defect").orElseThrow(), LU.actor());
            fixture.given(raisedByLu).when(new AssignManager(ID, "lead-lu", null, LIN))
                    .expectException(InvalidInput.class).expectNoEvents();
            fixture.given(raisedByLu).when(new AssignManager(ID, "em-eve", "Eve", LIN))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve", LIN.actor(), 1L));
        }

        /** Taking an escalation one already manages is refused (409), as naming its manager again is. */
        @Test
        void aManagerDoesNotTakeItsOwnEscalationAgain() {
            fixture.given(raised("defect"), new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve",
                            as(EVE, Roles.ESCALATION_MANAGER)))
                    .when(new AssignManager(ID, null, null, EVE))
                    .expectException(RuleViolation.class).expectNoEvents();
            fixture.given(raised("defect"), new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve",
                            LU.actor()))
                    .when(new AssignManager(ID, "em-eve", null, EVE))
                    .expectException(RuleViolation.class).expectNoEvents();
        }

        /**
         * An escalation manager owns what it took: another escalation manager cannot take it (409); a lead of the
         * team hands it on, also to itself when it is an escalation manager too.
         */
        @Test
        void anotherEscalationManagerDoesNotTakeAnEscalationAManagerOwns() {
            Caller ed = caller("em-ed", Roles.ESCALATION_MANAGER);
            Object[] managed = {raised("defect"), new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve",
                    as(EVE, Roles.ESCALATION_MANAGER))};
            fixture.given(managed).when(new AssignManager(ID, null, null, ed))
                    .expectException(RuleViolation.class).expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "is managed by em-eve")).expectNoEvents();
            fixture.given(managed).when(new AssignManager(ID, "em-ed", null, ed))
                    .expectException(RuleViolation.class).expectNoEvents();
            fixture.given(managed).when(new AssignManager(ID, "em-ed", "Ed", LU))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-ed", "Ed", LU.actor(), 1L));
            Caller leadAndManager = new Caller("lead-lia", "Lia", Set.of(Roles.TEAM_LEAD, Roles.ESCALATION_MANAGER),
                    null, Set.of("sso"));
            fixture.given(managed).when(new AssignManager(ID, null, null, leadAndManager))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "lead-lia", "Lia",
                            as(leadAndManager, Roles.ESCALATION_MANAGER), 2L));
        }

        /**
         * Another escalation of the case has the customer's intermediary: an escalation manager does not take this
         * one from them by taking it (409); the intermediary itself may, and a lead of the team hands it to anyone.
         */
        @Test
        void anEscalationManagerDoesNotTakeTheCustomerFromTheIntermediaryOfAnotherEscalation() {
            byCase.managerAssigned(CASE, "esc-other", "em-max");
            fixture.given(raised("defect")).when(new AssignManager(ID, null, null, EVE))
                    .expectException(RuleViolation.class).expectExceptionMessage(org.hamcrest.Matchers.containsString(
                            "managed by em-max")).expectNoEvents();
            fixture.given(raised("defect")).when(new AssignManager(ID, "em-eve", "Eve", LU))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve", LU.actor(), 2L));
            assertThat(byCase.intermediaryBesides(CASE, "esc-other")).contains("em-eve"); // the lead's, recorded
            byCase.managerAssigned(CASE, "esc-other", "em-eve");
            fixture.given(raised("defect")).when(new AssignManager(ID, null, null, EVE))
                    .expectEvents(new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "em-eve",
                            as(EVE, Roles.ESCALATION_MANAGER), 4L));
        }

        /** ...and who may never give it one is refused first, so it learns nothing of where it stands. */
        @Test
        void anEndedEscalationTakesNoManager() {
            fixture.given(raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                    as(LU, Roles.TEAM_LEAD))).when(new AssignManager(ID, null, null, EVE))
                    .expectException(RuleViolation.class);
            fixture.given(raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                    as(LU, Roles.TEAM_LEAD))).when(new AssignManager(ID, "em-eve", "Eve", LEO))
                    .expectException(AccessDenied.class).expectNoEvents();
            fixture.given(raised("defect"), new EscalationRejected(ID, ORG, CASE, 0, "team-lead", "no",
                    as(LU, Roles.TEAM_LEAD))).when(new AssignManager(ID, "em-eve", "Eve", TOM))
                    .expectException(AccessDenied.class).expectNoEvents();
        }
    }

    @Nested
    class Withdrawal {

        static final String NO_LONGER_NEEDED = "Customer found the cause: a rotated certificate";

        Object[] with(Object[] given, Object... more) {
            Object[] all = java.util.Arrays.copyOf(given, given.length + more.length);
            System.arraycopy(more, 0, all, given.length, more.length);
            return all;
        }

        @Test
        void supportWorkingTheCaseWithdrawsWithTheReasonAndTheStatusItLeft() {
            fixture.given(raised("defect")).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, TOM))
                    .expectEvents(new EscalationWithdrawn(ID, ORG, CASE, "AWAITING_APPROVAL", NO_LONGER_NEEDED,
                            TOM.actor()))
                    .expectResultMessagePayload(EscalationStatus.WITHDRAWN);
            fixture.given(accepted()).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, LU))
                    .expectEvents(new EscalationWithdrawn(ID, ORG, CASE, "ACCEPTED", NO_LONGER_NEEDED,
                            LU.actor()));
        }

        @Test
        void theEscalationsManagerMayWithdrawOthersMayNot() {
            Object[] managed = with(approvedDefect(), new EscalationManagerAssigned(ID, ORG, CASE, "em-eve", "Eve",
                    LU.actor()));
            fixture.given(managed).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, EVE))
                    .expectEvents(new EscalationWithdrawn(ID, ORG, CASE, "APPROVED", NO_LONGER_NEEDED, EVE.actor()));
            fixture.given(approvedDefect()).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, EVE))
                    .expectException(AccessDenied.class).expectNoEvents();   // not its manager
            fixture.given(accepted()).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, TIA))
                    .expectException(AccessDenied.class).expectNoEvents();   // not working the case
            fixture.given(accepted()).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, DEV))
                    .expectException(AccessDenied.class).expectNoEvents();   // Engineering resolves instead
        }

        @Test
        void aResolvedEscalationIsClosedAndAnEndedOneStaysEnded() {
            Object[] resolved = with(accepted(), new EscalationResolved(ID, ORG, CASE, "Fixed", 2L,
                    as(DEV, Roles.ENGINEER)));
            fixture.given(resolved).when(new WithdrawEscalation(ID, NO_LONGER_NEEDED, TOM))
                    .expectException(RuleViolation.class).expectNoEvents()
                    .expectExceptionMessage(org.hamcrest.Matchers.containsString("close it instead"));
            Object[] withdrawn = {raised("defect"), new EscalationWithdrawn(ID, ORG, CASE, "AWAITING_APPROVAL",
                    NO_LONGER_NEEDED, TOM.actor())};
            fixture.given(withdrawn).when(new WithdrawEscalation(ID, "again", TOM))
                    .expectException(RuleViolation.class).expectNoEvents();
            fixture.given(withdrawn).when(new ApproveStep(ID, LU)).expectException(RuleViolation.class);
            fixture.given(withdrawn).when(new AssignManager(ID, null, null, EVE))
                    .expectException(RuleViolation.class);
        }

        @Test
        void aCaseClosingWithdrawsWhatEngineeringHasNotTaken() {
            String reason = "case " + CASE + " closed before Engineering took the escalation";
            fixture.given(raised("defect")).when(new EndForClosedCase(ID, 9))
                    .expectEvents(new EscalationWithdrawn(ID, ORG, CASE, "AWAITING_APPROVAL", reason, Actor.SYSTEM));
            fixture.given(approvedDefect()).when(new EndForClosedCase(ID, 9))
                    .expectEvents(new EscalationWithdrawn(ID, ORG, CASE, "APPROVED", reason, Actor.SYSTEM));
        }

        @Test
        void aCaseClosingClosesWhatEngineeringResolved() {
            Object[] resolved = with(accepted(), new EscalationResolved(ID, ORG, CASE, "Fixed", 2L,
                    as(DEV, Roles.ENGINEER)));
            fixture.given(resolved).when(new EndForClosedCase(ID, 9))
                    .expectEvents(new EscalationClosed(ID, ORG, CASE, Actor.SYSTEM));
            fixture.given(with(resolved, new EscalationClosed(ID, ORG, CASE, TOM.actor())))
                    .when(new EndForClosedCase(ID, 9)).expectSuccessfulHandlerExecution().expectNoEvents();
            // resolved on the case reopened after this closure (delivered again: a rebuild of the known cases):
            // support closes it, not the earlier closure; resolved before the sequence was recorded, it closes
            fixture.given(with(accepted(), new EscalationResolved(ID, ORG, CASE, "Fixed", 10L,
                    as(DEV, Roles.ENGINEER)))).when(new EndForClosedCase(ID, 9))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
            fixture.given(with(accepted(), new EscalationResolved(ID, ORG, CASE, "Fixed", null,
                    as(DEV, Roles.ENGINEER)))).when(new EndForClosedCase(ID, 9))
                    .expectEvents(new EscalationClosed(ID, ORG, CASE, Actor.SYSTEM));
        }

        @Test
        void aClosureLeavesTakenAndEndedEscalationsAlone() {
            fixture.given(accepted()).when(new EndForClosedCase(ID, 9))
                    .expectSuccessfulHandlerExecution().expectNoEvents();
            fixture.given(raised("defect"), new EscalationWithdrawn(ID, ORG, CASE, "AWAITING_APPROVAL", "x",
                    TOM.actor())).when(new EndForClosedCase(ID, 9)).expectSuccessfulHandlerExecution()
                    .expectNoEvents();
        }
    }

    @Nested
    class ChainConfiguration {

        @Test
        void badChainsAreRefusedWithTheirReason() {
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "some(team-lead)")))
                    .hasMessageContaining("casetrail.escalations.chain.x");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "any(org-admin)")))
                    .hasMessageContaining("approver roles");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "all(engineering-manager)")))
                    .hasMessageContaining("approvers");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of())).hasMessageContaining("no request type");
            // names where they would restrict nothing, or an approver who would be asked twice
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "any(engineering-manager: engmgr-emma)")))
                    .hasMessageContaining("only all(...) names approvers");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "2(support-manager: mgr-may, mgr-max)")))
                    .hasMessageContaining("only all(...) names approvers");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x", "all(engineering-manager: emma, emma)")))
                    .hasMessageContaining("names an approver twice");
            assertThatThrownBy(() -> ApprovalChains.of(Map.of("x",
                    "all(support-manager: mgr-may) > all(support-manager, engineering-manager: emma, mgr-may)")))
                    .hasMessageContaining("names an approver twice");
        }
    }
}
