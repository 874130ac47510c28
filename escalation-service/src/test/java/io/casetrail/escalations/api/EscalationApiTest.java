package io.casetrail.escalations.api;

import static io.casetrail.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.eventhandling.StreamingEventProcessor;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEventHeaders;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.Topics;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.cases.ReplyPosted;
import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.events.orgadmin.ConsentGiven;
import io.casetrail.events.orgadmin.OrgResearched;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.HeldRows;
import io.casetrail.testing.LockWaits;
import io.casetrail.testing.Links;
import io.casetrail.testing.RequestLogRecords;
import io.casetrail.testing.RequestLogRecords.Filed;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.casetrail.testing.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * escalation-service on a real broker: cases arrive from case-service's topic, support raises escalations on them,
 * approvers, Engineering and escalation managers work them through the API, and every step is an event on
 * {@code casetrail.escalation.v1}. Refusals change nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class EscalationApiTest {

    static final TokenMinter MINT = TokenMinter.forTests();
    static final String ORG = "org-esc-" + Long.toString(System.nanoTime(), 36);
    static final AtomicInteger CASES = new AtomicInteger();
    static final String TOM = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom").sign();
    static final String TIA = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    static final String LU = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").name("Lu").sign();
    static final String LEO = MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign();
    static final String MAY = MINT.token("mgr-may").role(Roles.SUPPORT_MANAGER).team("sso").sign();
    static final String DEV = MINT.token("eng-dev").role(Roles.ENGINEER).name("Dev").sign();
    static final String DORA = MINT.token("eng-dora").role(Roles.ENGINEER).sign();
    static final String EVE = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();
    static final String MAX = MINT.token("em-max").role(Roles.ESCALATION_MANAGER).name("Max").sign();
    static final String AUDITOR = MINT.token("aud-al").role(Roles.AUDITOR).sign();
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).sign();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String RAISE = """
            {"requestType":"%s","summary":"SAML assertions rejected","customerImpact":"All users locked out",
             "requestIds":["XyZ12abc"],"logReferences":["5f0e8c1e-2b8d-4a43-9f55-0c1c9d3c2a11"],
             "logExcerpts":["09:14:59Z WARN saml: assertion signature invalid (kid 7f3a)"]}""";

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    @Inject
    Jdbc jdbc;

    @Inject
    AxonRuntime axon;

    @Inject
    DataSource dataSource;

    /** A case of the org in the sso team, assigned to Tom, with a customer's reply; known here once returned. */
    String caseOfTom() {
        return caseOfTom("sso");
    }

    /** A case of the org in a team, assigned to Tom, with a customer's reply; known here once returned. */
    String caseOfTom(String team) {
        return caseOfTom(team, new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN));
    }

    /**
     * A case of the org in a team, opened by Ada or on her behalf by support, assigned to Tom, with a customer's
     * reply; known here once returned.
     */
    String caseOfTom(String team, Actor opener) {
        String caseNumber = String.format("7%07d", (System.nanoTime() / 1000 + CASES.incrementAndGet()) % 10_000_000);
        Actor ada = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 0, new CaseOpened(caseNumber, ORG,
                "https://esc.okta.com", "SAML login fails", "400 from the IdP", ProductArea.SSO, Priority.P2,
                ContactPreference.EMAIL, "admin-ada", List.of(), team, null, opener));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 1, new CaseAssigned(caseNumber, ORG, "tse-tom",
                null, CaseStatus.OPEN, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 2, new ReplyPosted(caseNumber, ORG, "m-1",
                "It started after we rotated the certificate", CaseStatus.OPEN, ada));
        // known and assigned to Tom: an unknown request type is all that is wrong with his request (404, 403 before)
        await().atMost(WAIT).untilAsserted(() -> as(TOM).body(RAISE.formatted("probe"))
                .post("/cases/" + caseNumber + "/escalations").then().statusCode(400));
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_digest WHERE case_number = ?",
                row -> row.getLong(1), caseNumber).orElseThrow() == 3L);
        return caseNumber;
    }

    static String raise(String caseNumber, String type) {
        return as(TOM).body(RAISE.formatted(type)).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(201).body("status", equalTo("AWAITING_APPROVAL")).extract().path("escalationId");
    }

    static void post(String token, String escalationId, String action, String body, int status) {
        as(token).body(body).post("/escalations/" + escalationId + "/" + action).then().statusCode(status);
    }

    /**
     * The lead who opened a case on the customer's behalf gets no team rights from it here either (security.md): its
     * raise is refused and stores nothing; another lead of the team raises.
     */
    @Test
    void theLeadWhoOpenedACaseOnTheCustomersBehalfRaisesNoEscalationOnIt() {
        String caseNumber = caseOfTom("sso", new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD));
        as(LU).body(RAISE.formatted("question")).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(403).contentType("application/problem+json");
        as(TOM).get("/cases/" + caseNumber + "/escalations").then().statusCode(200).body("", hasSize(0));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM case_escalation_ref WHERE case_number = ?",
                row -> row.getLong(1), caseNumber).orElseThrow()).isZero();
        String lea = MINT.token("lead-lea").role(Roles.TEAM_LEAD).team("sso").sign();
        as(lea).body(RAISE.formatted("question")).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(201);
    }

    /**
     * A team's name as long as the cases' own views keep (255 characters) is an escalation's team too: a shorter
     * column refused the view's row, and the view, stuck on that event, showed no escalation raised after it.
     */
    @Test
    void anEscalationOfACaseWithALongTeamNameIsShownAndSoAreThoseAfterIt() {
        String team = "t".repeat(255);
        String lead = MINT.token("lead-lt").role(Roles.TEAM_LEAD).team(team).sign();
        String id = raise(caseOfTom(team), "question");
        await().atMost(WAIT).untilAsserted(() -> as(lead).get("/approvals/pending").then().statusCode(200)
                .body("escalationId", hasItem(id)));
        as(AUDITOR).get("/escalations/" + id).then().statusCode(200).body("escalation.team", equalTo(team));
        String next = raise(caseOfTom(), "question");
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + next).then().statusCode(200));
    }

    /**
     * The view between an escalation's last step approval and the approval itself (the two events of one command can
     * reach it in two batches): nobody's pending approval, and no failure listing them.
     */
    @Test
    void anEscalationWhoseLastStepIsApprovedIsNobodysPendingApproval() {
        String id = raise(caseOfTom(), "question");
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/approvals/pending").then().statusCode(200)
                .body("escalationId", hasItem(id)));
        assertThat(jdbc.update("UPDATE escalation_view SET current_step = 1 WHERE escalation_id = ?", id))
                .isEqualTo(1);
        try {
            as(LU).get("/approvals/pending").then().statusCode(200).body("escalationId", not(hasItem(id)));
            as(LU).get("/escalations/" + id).then().statusCode(200)
                    .body("escalation.status", equalTo("AWAITING_APPROVAL"))
                    .body("escalation.awaitingStep", nullValue());
        } finally {
            jdbc.update("UPDATE escalation_view SET current_step = 0 WHERE escalation_id = ?", id);
        }
    }

    /**
     * The timeline an escalation takes along is the case's from all services: a consent given on the case is in it
     * (research lookups are not: they change nothing), in the order things happened.
     */
    @Test
    void theTimelineTakenAlongHoldsWhatOtherServicesDidOnTheCase() {
        String caseNumber = caseOfTom();
        String another = caseOfTom();
        Actor ada = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        Instant now = Instant.now();
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", caseNumber, 0, new OrgResearched(ORG, caseNumber,
                "users", "alice", 1, tom));
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", caseNumber, 1, new ConsentGiven(ORG, caseNumber,
                "c-1", "admin-ada", ConsentChannel.API, now, List.of(ActionKind.RESET_MFA), List.of(), List.of(),
                now.plus(Duration.ofHours(24)), ada));
        // an org-wide grant names no case: it is on each case it covers, as on the case's own timeline; one of
        // another org naming the case (sent first, on the same partition) is not
        Actor sam = new Actor("admin-sam", "Sam", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 0, new SupportAccessGranted("org-other",
                "g-other", GrantScope.ORG, null, List.of(caseNumber), now.plus(Duration.ofHours(8)),
                RequestOrigin.NONE, sam), Instant.now().plusMillis(500), java.util.UUID.randomUUID().toString());
        // (of the longest id consumers take: with the case, its digest entry's id is longer still)
        String granted = TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 0,
                new SupportAccessGranted(ORG, "g-org", GrantScope.ORG, null, List.of(caseNumber, another),
                        now.plus(Duration.ofHours(8)), RequestOrigin.NONE, sam), Instant.now().plusSeconds(1),
                "g".repeat(io.casetrail.events.CloudEvent.MAX_ID - 36) + java.util.UUID.randomUUID());
        // the org's grant is in (on the other case too), so the other org's, before it, was handled
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_digest WHERE case_number = ?",
                row -> row.getLong(1), another).orElseThrow() == 4L);
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_digest WHERE case_number = ?",
                row -> row.getLong(1), caseNumber).orElseThrow() == 5L);
        assertThat(jdbc.query("SELECT event_id FROM case_digest WHERE case_number = ? AND type = ?",
                row -> row.getString(1), caseNumber, "io.casetrail.access.granted.v1"))
                .containsExactly(granted + ":" + caseNumber);
        // delivered again past the consumer's record of it (a consumer renamed, the digest replayed from the
        // topics): nothing changes, and what follows still applies
        assertThat(io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().call(() -> jdbc.update(
                "DELETE FROM consumed_event WHERE event_id = ?", granted))).isPositive();
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 0, new SupportAccessGranted(ORG, "g-org",
                GrantScope.ORG, null, List.of(caseNumber, another), now.plus(Duration.ofHours(8)), RequestOrigin.NONE,
                sam), Instant.now().plusSeconds(1), granted);
        // the digest consumer has taken the repeat (its record of it is back) before anything is counted
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT 1 FROM consumed_event WHERE consumer = 'case-digest'"
                + " AND event_id = ?", row -> 1, granted).isPresent());
        TestEvents.publish(Topics.ORG_ADMIN, "org-admin-service", another, 0, new ConsentGiven(ORG, another,
                "c-2", "admin-ada", ConsentChannel.API, now, List.of(ActionKind.RESET_MFA), List.of(), List.of(),
                now.plus(Duration.ofHours(24)), ada));
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_digest WHERE case_number = ?",
                row -> row.getLong(1), another).orElseThrow() == 5L);
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM case_digest WHERE case_number = ?", row -> row.getLong(1),
                caseNumber)).contains(5L);
        assertThat(jdbc.query("SELECT event_id FROM case_digest WHERE case_number = ? AND type = ?",
                row -> row.getString(1), caseNumber, "io.casetrail.access.granted.v1"))
                .containsExactly(granted + ":" + caseNumber);

        String id = raise(caseNumber, "question");
        as(LU).get("/escalations/" + id).then().statusCode(200)
                .body("caseTimeline.type", equalTo(List.of("io.casetrail.case.opened.v1",
                        "io.casetrail.case.assigned.v1", "io.casetrail.case.reply-posted.v1",
                        "io.casetrail.orgadmin.consent-given.v1", "io.casetrail.access.granted.v1")))
                .body("caseTimeline[3].actor", equalTo("Ada")).body("caseTimeline[4].actor", equalTo("Sam"));

    }

    /**
     * The digest takes every type, whatever comes off Kafka: a type longer than its column is cut, a case number
     * longer than any stays off, NUL is mended; none holds up the events behind it.
     */
    @Test
    void aRecordTheDigestCannotKeepAsItIsHoldsNothingUp() {
        String caseNumber = caseOfTom();
        String withNul = "{\"actor\":{\"displayName\":\"T\\u0000om\"},\"body\":\"x\\u0000y\"}";
        for (String[] typeCaseAndValue : List.of(
                new String[] {"io.casetrail.access." + "x".repeat(300) + ".v1", caseNumber, "{}"},
                new String[] {"io.casetrail.access.session-started.v1", "0".repeat(17), "{}"},
                new String[] {"io.casetrail.access.session-started.v1", caseNumber, withNul})) {
            TopicReader.send(io.casetrail.platform.kafka.CloudEventRecords.toRecord(Topics.ACCESS,
                    new io.casetrail.events.CloudEvent(java.util.UUID.randomUUID().toString(),
                            "/casetrail/support-access-service", typeCaseAndValue[0], java.time.Instant.now(), ORG,
                            ORG, typeCaseAndValue[1], "tse-tom", 0L, java.util.UUID.randomUUID().toString(),
                            typeCaseAndValue[2].getBytes(StandardCharsets.UTF_8))));
        }
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 1, new io.casetrail.events.access
                .SupportAccessRevoked(ORG, "g-d", io.casetrail.events.access.GrantScope.CASE, caseNumber,
                List.of(caseNumber), io.casetrail.events.RequestOrigin.NONE, new Actor("admin-ada", "Ada",
                Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN)));
        await().atMost(WAIT).untilAsserted(() -> assertThat(jdbc.query("SELECT type FROM case_digest WHERE"
                + " case_number = ? ORDER BY seq", row -> row.getString(1), caseNumber)).hasSize(6)
                .contains("io.casetrail.access." + "x".repeat(234) + "…"));
        // NUL, which PostgreSQL's text keeps none of, mended
        assertThat(jdbc.query("SELECT actor || ' ' || text FROM case_digest WHERE case_number = ? AND actor LIKE 'T%'",
                row -> row.getString(1), caseNumber)).containsExactly("T\uFFFDom x\uFFFDy");
    }

    @Test
    void fromRaisingToClosingEveryStepIsAnEventOnTheTopic() {
        String caseNumber = caseOfTom();
        String id = raise(caseNumber, "defect");

        // what support collected, with the case's timeline as it stood
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + id).then().statusCode(200)
                .body("escalation.status", equalTo("AWAITING_APPROVAL"))
                .body("escalation.awaitingStep", equalTo("team-lead"))
                .body("requestIds", equalTo(List.of("XyZ12abc")))
                .body("logReferences", equalTo(List.of("5f0e8c1e-2b8d-4a43-9f55-0c1c9d3c2a11")))
                .body("logExcerpts", equalTo(List.of("09:14:59Z WARN saml: assertion signature invalid (kid 7f3a)")))
                .body("chain.name", equalTo(List.of("team-lead", "support-manager")))
                .body("caseTimeline.text", hasItem("It started after we rotated the certificate"))
                .body("caseTimeline.type", hasItem("io.casetrail.case.opened.v1")));
        as(LU).get("/approvals/pending").then().statusCode(200).body("escalationId", hasItem(id));
        as(LEO).get("/approvals/pending").then().statusCode(200).body("escalationId", not(hasItem(id)));
        as(MAY).get("/approvals/pending").then().body("escalationId", not(hasItem(id)));

        post(DEV, id, "acceptance", "", 403);                       // Engineering before approval
        post(MAY, id, "approvals", "", 403);                        // not the step's role
        post(LU, id, "approvals", "", 200);
        post(LU, id, "approvals", "", 403);                         // the next step is not a lead's
        await().atMost(WAIT).untilAsserted(() -> as(MAY).get("/approvals/pending").then()
                .body("escalationId", hasItem(id)));
        as(MAY).post("/escalations/" + id + "/approvals").then().statusCode(200).body("status", equalTo("APPROVED"));

        await().atMost(WAIT).untilAsserted(() -> as(DEV).get("/board").then().statusCode(200)
                .body("APPROVED.escalationId", hasItem(id)));
        post(DEV, id, "acceptance", "", 200);
        post(DORA, id, "updates", "{\"text\":\"me too\"}", 403);    // not its engineer
        post(DEV, id, "information-requests", "{\"text\":\"Which IdP version?\"}", 200);
        post(TIA, id, "information", "{\"text\":\"ADFS 4\"}", 403); // not working the case
        post(TOM, id, "information", "{\"text\":\"ADFS 4.0\"}", 200);
        post(DEV, id, "updates", "{\"text\":\"Reproduced\"}", 200);
        post(EVE, id, "manager", "", 200);
        post(DEV, id, "resolution", "{\"text\":\"Cache flushed\"}", 200);
        post(EVE, id, "closure", "", 200);                          // the escalation's manager closes

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ESCALATION,
                read -> types(read, id).contains("io.casetrail.escalation.closed.v1"), WAIT);
        assertThat(types(records, id)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.step-approved.v1",
                "io.casetrail.escalation.approved.v1", "io.casetrail.escalation.accepted.v1",
                "io.casetrail.escalation.information-requested.v1", "io.casetrail.escalation.information-provided.v1",
                "io.casetrail.escalation.update-posted.v1", "io.casetrail.escalation.manager-assigned.v1",
                "io.casetrail.escalation.resolved.v1", "io.casetrail.escalation.closed.v1");
        assertThat(records.stream().filter(r -> id.equals(r.key())).map(r -> header(r, CloudEventHeaders.CASE_ID))
                .distinct()).containsExactly(caseNumber);

        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + id).then()
                .body("escalation.status", equalTo("CLOSED"))
                .body("history.kind", equalTo(List.of("raised", "step-approved", "step-approved", "approved",
                        "accepted", "information-requested", "information-provided", "update-posted",
                        "manager-assigned", "resolved", "closed")))
                .body("escalation.managerId", equalTo("em-eve")).body("escalation.owner", equalTo("eng-dev")));
        as(TOM).get("/cases/" + caseNumber + "/escalations").then().statusCode(200)
                .body("escalationId", equalTo(List.of(id)));
    }

    /**
     * The latest escalation manager of a case is the customer's intermediary: another one does not take the case
     * over by taking a second escalation of it (409 managed, nothing recorded); a lead of the team hands it on.
     */
    @Test
    void anEscalationManagerDoesNotTakeTheCustomerOverThroughAnotherEscalationOfTheCase() {
        String caseNumber = caseOfTom();
        String first = raise(caseNumber, "question");
        String second = raise(caseNumber, "question");
        post(EVE, first, "manager", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + first).then()
                .body("escalation.managerId", equalTo("em-eve")));

        as(MAX).post("/escalations/" + second + "/manager").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/managed"))
                .body("detail", org.hamcrest.Matchers.containsString("managed by em-eve"));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), second)).contains(1L);
        // taking it, an escalation manager is named as its sign-in names it: another name is refused, not dropped
        as(EVE).body("{\"managerName\":\"Mallory\"}").post("/escalations/" + second + "/manager").then()
                .statusCode(400).contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("managerName"));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), second)).contains(1L);
        post(EVE, second, "manager", "", 200);                     // the intermediary takes it itself
        as(LU).body("{\"managerId\":\"em-max\",\"managerName\":\"Max\"}")
                .post("/escalations/" + first + "/manager").then().statusCode(200); // a lead hands one on
        // Max, the latest assigned, is the intermediary now: he takes a third, Eve does not
        String third = raise(caseNumber, "question");
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + first).then()
                .body("escalation.managerId", equalTo("em-max")));
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + third).then().statusCode(200));
        post(EVE, third, "manager", "", 409);
        post(MAX, third, "manager", "", 200);
        // each assignment tells the services that follow the case its place among the case's, as committed
        List<String> expected = List.of(first + " em-eve 1", second + " em-eve 2", first + " em-max 3",
                third + " em-max 4");
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ESCALATION,
                read -> assignments(read, caseNumber).size() >= expected.size(), WAIT);
        assertThat(assignments(records, caseNumber)).containsExactlyInAnyOrderElementsOf(expected);
    }

    /** The case's manager assignments on the topic: "escalation manager place". */
    private static List<String> assignments(List<ConsumerRecord<String, byte[]>> records, String caseNumber) {
        return records.stream()
                .filter(r -> "io.casetrail.escalation.manager-assigned.v1".equals(header(r, "ce_type")))
                .map(r -> io.restassured.path.json.JsonPath.from(new String(r.value(), StandardCharsets.UTF_8)))
                .filter(json -> caseNumber.equals(json.getString("caseNumber")))
                .map(json -> json.getString("escalationId") + " " + json.getString("managerId") + " "
                        + json.getString("caseAssignment"))
                .toList();
    }

    /**
     * The check reads who manages the case's escalations as the commands left it, not as the escalations' view shows
     * it: with the view stopped, a second manager is refused the moment the first one's take is answered.
     */
    @Test
    void anEscalationManagerIsRefusedTheCaseTheMomentAnotherTookIt() {
        String caseNumber = caseOfTom();
        String first = raise(caseNumber, "question");
        String second = raise(caseNumber, "question");
        // the first as one raised before the table kept the case's escalations: its assignment records it all the same
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("DELETE FROM case_escalation_ref"
                + " WHERE escalation_id = ?", first));
        StreamingEventProcessor views = axon.processor("escalation-views").orElseThrow();
        views.shutDown();
        try {
            post(EVE, first, "manager", "", 200);
            as(MAX).post("/escalations/" + second + "/manager").then().statusCode(409)
                    .body("type", equalTo("https://casetrail.io/problems/managed"))
                    .body("detail", org.hamcrest.Matchers.containsString("managed by em-eve"));
            assertThat(jdbc.queryOne("SELECT COUNT(*) FROM escalation_view WHERE case_number = ?"
                    + " AND manager_id IS NOT NULL", row -> row.getLong(1), caseNumber)).contains(0L);
        } finally {
            views.start();
        }
    }

    /**
     * Two escalation managers taking two escalations of one case at the same moment: the second waits until the
     * first one's take commits (here a transaction of the test's own, holding it), then is refused. Without the wait
     * both would pass, each unaware of the other, and the case would have two intermediaries.
     */
    @Test
    void aTakeWaitsForAnotherTakeOfTheCaseBeingRecordedAndThenIsRefused() throws Exception {
        String caseNumber = caseOfTom();
        String first = raise(caseNumber, "question");
        String second = raise(caseNumber, "question");
        try (HeldRows take = HeldRows.hold(dataSource, "UPDATE case_escalation_ref SET manager_id = 'em-eve',"
                + " manager_seq = 1 WHERE escalation_id = ?", first)) {
            CompletableFuture<Integer> taken = CompletableFuture.supplyAsync(() -> as(MAX)
                    .post("/escalations/" + second + "/manager").statusCode());
            LockWaits.awaitWaiter(dataSource, "FROM case_escalation_ref WHERE case_number", WAIT);
            assertThat(taken).isNotDone();
            take.commit();
            assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo(409);
        }
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), second)).contains(1L);
    }

    /** Every command takes an Idempotency-Key: a retried approval gets the first answer, not a second approval. */
    @Test
    void aRetriedCommandWithItsIdempotencyKeyGetsTheFirstAnswer() {
        String id = raise(caseOfTom(), "question");
        String key = UUID.randomUUID().toString();
        as(LU).header("Idempotency-Key", key).post("/escalations/" + id + "/approvals").then().statusCode(200)
                .body("status", equalTo("APPROVED")).header("Idempotent-Replayed", org.hamcrest.Matchers.nullValue());
        as(LU).header("Idempotency-Key", key).post("/escalations/" + id + "/approvals").then().statusCode(200)
                .body("escalationId", equalTo(id)).body("status", equalTo("APPROVED"))
                .header("Idempotent-Replayed", "true");
        as(LU).header("Idempotency-Key", UUID.randomUUID().toString()).post("/escalations/" + id + "/approvals")
                .then().statusCode(409); // without the key's answer, a second approval is refused
    }

    /**
     * A lead's board column holds its team's escalations even behind more newer ones of other teams than a page
     * holds, and a whole column reads page by page, latest change first.
     */
    @Test
    void othersEscalationsNeverCrowdALeadsOwnOffTheBoard() {
        String id = raise(caseOfTom(), "defect");
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/board").then().statusCode(200)
                .body("AWAITING_APPROVAL.escalationId", hasItem(id)));
        String columns = "case_number, org_id, request_type, summary, status, raised_by, raised_at, current_step,"
                + " step_approvers, chain, raised";
        java.time.Instant now = java.time.Instant.now();
        List<String> newestFirst = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 250; i++) {
                jdbc.update("INSERT INTO escalation_view (escalation_id, team, updated_at, " + columns + ")"
                        + " SELECT ?, 'mfa', ?, " + columns + " FROM escalation_view WHERE escalation_id = ?",
                        "mfa-" + id + "-" + i, now.plusSeconds(60 + i / 2), id); // two at a time: the id decides
                newestFirst.add(0, "mfa-" + id + "-" + i);
            }
            as(LU).get("/board?limit=200").then().statusCode(200).body("AWAITING_APPROVAL.escalationId", hasItem(id))
                    .body("AWAITING_APPROVAL.team", everyItem(equalTo("sso")));
            as(DEV).get("/board").then().statusCode(200).body("AWAITING_APPROVAL", hasSize(0)); // not Engineering's yet
            as(LEO).get("/board").then().statusCode(200)
                    .body("AWAITING_APPROVAL", hasSize(50)).body("AWAITING_APPROVAL.escalationId",
                            equalTo(newestFirst.subList(0, 50)));

            List<List<String>> pages = Links.pages(() -> as(LEO), "/board/AWAITING_APPROVAL?limit=100",
                    "escalationId", String.class);
            assertThat(pages).extracting(List::size).containsExactly(100, 100, 50);
            assertThat(pages.stream().flatMap(List::stream).toList()).isEqualTo(newestFirst);
            assertThat(Links.pages(() -> as(DEV), "/board/AWAITING_APPROVAL", "escalationId", String.class))
                    .containsExactly(List.of());
        } finally {
            jdbc.update("DELETE FROM escalation_view WHERE escalation_id LIKE ?", "mfa-" + id + "-%");
        }
    }

    /**
     * A lead who is also a support manager approves the lead's step of a defect; the manager's step is then not
     * pending for them, and their approval of it is refused (409): it takes a second person.
     */
    @Test
    void whoApprovedOneStepIsNotAskedForTheNext() {
        String lou = MINT.token("lead-lou").role(Roles.TEAM_LEAD).role(Roles.SUPPORT_MANAGER).team("sso").sign();
        String id = raise(caseOfTom(), "defect");
        await().atMost(WAIT).untilAsserted(() -> as(lou).get("/approvals/pending?limit=200").then().statusCode(200)
                .body("escalationId", hasItem(id)));
        post(lou, id, "approvals", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(MAY).get("/approvals/pending?limit=200").then()
                .body("escalationId", hasItem(id)));
        as(lou).get("/approvals/pending?limit=200").then().statusCode(200).body("escalationId", not(hasItem(id)));
        as(lou).post("/escalations/" + id + "/approvals").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("approved-earlier-step"));
        as(MAY).post("/escalations/" + id + "/approvals").then().statusCode(200).body("status", equalTo("APPROVED"));
    }

    /**
     * A lead who is also a support manager, named to approve a later step, is not asked for the lead's step (its
     * approval of it is refused: it would leave the later step unable to complete); another lead is.
     */
    @Test
    void aNamedApproverOfALaterStepIsNotAskedForAnEarlierOne() {
        String lou = MINT.token("lead-lou").role(Roles.TEAM_LEAD).role(Roles.SUPPORT_MANAGER).team("sso").sign();
        String id = raise(caseOfTom(), "named");
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/approvals/pending?limit=200").then().statusCode(200)
                .body("escalationId", hasItem(id)));
        as(lou).get("/approvals/pending?limit=200").then().statusCode(200).body("escalationId", not(hasItem(id)));
        as(lou).post("/escalations/" + id + "/approvals").then().statusCode(409)
                .body("type", org.hamcrest.Matchers.endsWith("approver-of-later-step"));
        post(LU, id, "approvals", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(lou).get("/approvals/pending?limit=200").then()
                .body("escalationId", hasItem(id)));
    }

    /**
     * Whoever a step awaits reads the escalation it is asked to approve, and a manager the chain names approves
     * whatever the case's team: an engineer asked for a sign-off before the escalation reached Engineering, and a
     * manager of another team named for the last step (who would otherwise leave it waiting for ever).
     */
    @Test
    void whoeverAStepAwaitsReadsItAndANamedApproverApprovesForAnyTeam() {
        String max = MINT.token("mgr-max").role(Roles.SUPPORT_MANAGER).team("mfa").sign();
        String id = raise(caseOfTom(), "sign-off");
        await().atMost(WAIT).untilAsserted(() -> as(DEV).get("/approvals/pending?limit=200").then().statusCode(200)
                .body("escalationId", hasItem(id)));
        as(DEV).get("/escalations/" + id).then().statusCode(200)
                .body("customerImpact", equalTo("All users locked out"));
        as(max).get("/escalations/" + id).then().statusCode(403); // not yet its step
        post(DEV, id, "approvals", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(max).get("/approvals/pending?limit=200").then()
                .body("escalationId", hasItem(id)));
        as(max).get("/escalations/" + id).then().statusCode(200);
        as(DORA).get("/escalations/" + id).then().statusCode(403); // the engineers' step is done
        post(max, id, "approvals", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + id).then()
                .body("escalation.status", equalTo("APPROVED")));
    }

    /** A case's escalations and an approver's pending approvals read page by page, oldest first, each once. */
    @Test
    void casesEscalationsAndPendingApprovalsArePaged() {
        String caseNumber = caseOfTom();
        List<String> raised = List.of(raise(caseNumber, "defect"), raise(caseNumber, "question"),
                raise(caseNumber, "defect"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(Links.pages(() -> as(TOM), "/cases/" + caseNumber
                + "/escalations?limit=2", "escalationId", String.class)).isEqualTo(List.of(raised.subList(0, 2),
                raised.subList(2, 3))));

        List<List<String>> pending = Links.pages(() -> as(LU), "/approvals/pending?limit=2", "escalationId",
                String.class);
        List<String> all = pending.stream().flatMap(List::stream).toList();
        assertThat(pending.subList(0, pending.size() - 1)).allSatisfy(page -> assertThat(page).hasSize(2));
        assertThat(pending.get(pending.size() - 1)).hasSizeBetween(1, 2);
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all.stream().filter(raised::contains).toList()).isEqualTo(raised);
        assertThat(Links.pages(() -> as(LEO), "/approvals/pending?limit=2", "escalationId", String.class).stream()
                .flatMap(List::stream)).doesNotContainAnyElementsOf(raised); // another team's lead

        // an engineer reads only what reached Engineering: the second (a question: one lead approves), once
        // approved; its pages hold only that one
        as(LU).post("/escalations/" + raised.get(1) + "/approvals").then().statusCode(200)
                .body("status", equalTo("APPROVED"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(Links.pages(() -> as(DEV), "/cases/" + caseNumber
                + "/escalations?limit=1", "escalationId", String.class)).isEqualTo(List.of(List.of(raised.get(1)))));

        as(TOM).get("/cases/" + caseNumber + "/escalations?after=bm90LWEtY3Vyc29y").then().statusCode(400)
                .contentType("application/problem+json");
        as(LU).get("/approvals/pending?limit=0").then().statusCode(400);
        as(LU).get("/approvals/pending?limit=201").then().statusCode(400);
        as(LEO).get("/board/CLOSED").then().statusCode(404).contentType("application/problem+json");
        as(LEO).get("/board?limit=0").then().statusCode(400);
    }

    /**
     * Support withdraws an escalation it no longer needs, with the reason: it leaves the approvers' lists and takes
     * no further step. Engineering, and support not working the case, may not withdraw it.
     */
    /**
     * Requests about an escalation name it by its id alone, by principals bound to no org: their request logs are
     * filed under the escalation's case and its org all the same, refusals too, so that the internal log's org
     * filter finds Engineering's and the approvers' work (DOMAIN.md: internal logs hold everything, request logs
     * included, filtered by org). An escalation nobody raised names neither.
     */
    @Test
    void requestsAboutAnEscalationAreLoggedUnderItsCaseAndOrg() throws Exception {
        String caseNumber = caseOfTom();
        String id = raise(caseNumber, "defect");
        String approved = "approved-" + UUID.randomUUID();
        String refused = "refused-" + UUID.randomUUID();
        String unreadable = "unreadable-" + UUID.randomUUID();
        String read = "read-" + UUID.randomUUID();
        String unknown = "unknown-" + UUID.randomUUID();
        as(LU).header("X-Request-Id", approved).post("/escalations/" + id + "/approvals").then().statusCode(200);
        as(TIA).header("X-Request-Id", refused).body("{\"reason\":\"not needed\"}")
                .post("/escalations/" + id + "/withdrawal").then().statusCode(403);
        as(DEV).header("X-Request-Id", unreadable).get("/escalations/" + id).then().statusCode(403);
        as(AUDITOR).header("X-Request-Id", read).get("/escalations/" + id).then().statusCode(200);
        as(LU).header("X-Request-Id", unknown).post("/escalations/" + UUID.randomUUID() + "/approvals").then()
                .statusCode(404);
        Map<String, Filed> logs = RequestLogRecords.of(List.of(approved, refused, unreadable, read, unknown), WAIT);
        for (String requestId : List.of(approved, refused, unreadable, read)) {
            assertThat(logs.get(requestId)).as(requestId).isEqualTo(Filed.under(ORG, caseNumber));
        }
        assertThat(logs.get(unknown)).isEqualTo(Filed.under(null, null));
    }

    /**
     * An approval takes its step in the query: {@code {"step":0}} in a body (which it takes none of) is refused 400
     * naming the field, never dropped to approve whatever step is current; no body, or {@code {}}, approves.
     */
    @Test
    void aStepSentInTheBodyIsRefusedNotDropped() {
        String id = raise(caseOfTom(), "defect");
        as(LU).body("{\"step\":1}").post("/escalations/" + id + "/approvals").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", org.hamcrest.Matchers.containsString("\"step\""));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), id).orElseThrow()).isEqualTo(1L);
        as(LU).body("{}").post("/escalations/" + id + "/approvals").then().statusCode(200)
                .body("status", equalTo("AWAITING_APPROVAL"));
        given().auth().oauth2(MAY).post("/escalations/" + id + "/approvals").then().statusCode(200)
                .body("status", equalTo("APPROVED"));
    }

    @Test
    void supportWithdrawsAnEscalationNoLongerNeeded() {
        String reason = "{\"reason\":\"Customer found the cause: a rotated certificate\"}";
        String id = raise(caseOfTom(), "defect");
        post(LU, id, "approvals", "", 200);
        await().atMost(WAIT).untilAsserted(() -> as(MAY).get("/approvals/pending?limit=200").then()
                .body("escalationId", hasItem(id)));

        post(DEV, id, "withdrawal", reason, 403);                   // Engineering resolves, it does not withdraw
        post(TIA, id, "withdrawal", reason, 403);                   // not working the case
        post(TOM, id, "withdrawal", "{\"reason\":\" \"}", 400);
        as(TOM).body(reason).post("/escalations/" + id + "/withdrawal").then().statusCode(200)
                .body("status", equalTo("WITHDRAWN"));
        post(TOM, id, "withdrawal", reason, 409);
        post(MAY, id, "approvals", "", 409);

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ESCALATION,
                read -> types(read, id).contains("io.casetrail.escalation.withdrawn.v1"), WAIT);
        assertThat(types(records, id)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.withdrawn.v1");
        io.restassured.path.json.JsonPath withdrawn = io.restassured.path.json.JsonPath.from(new String(records
                .stream().filter(r -> id.equals(r.key())).reduce((a, b) -> b).orElseThrow().value(),
                StandardCharsets.UTF_8));
        assertThat(withdrawn.getString("status")).isEqualTo("AWAITING_APPROVAL");
        assertThat(withdrawn.getString("reason")).isEqualTo("Customer found the cause: a rotated certificate");
        assertThat(withdrawn.getString("actor.id")).isEqualTo("tse-tom");

        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + id).then()
                .body("escalation.status", equalTo("WITHDRAWN"))
                .body("history.kind", equalTo(List.of("raised", "step-approved", "withdrawn")))
                .body("history[2].text", equalTo("Customer found the cause: a rotated certificate")));
        as(MAY).get("/approvals/pending?limit=200").then().statusCode(200).body("escalationId", not(hasItem(id)));
        as(LU).get("/board?limit=200").then().statusCode(200).body("AWAITING_APPROVAL.escalationId", not(hasItem(id)));
        // it never reached Engineering: engineers do not read it, here or among the case's escalations
        as(DEV).get("/escalations/" + id).then().statusCode(403);
        assertThat(Links.pages(() -> as(DEV), "/cases/" + withdrawn.getString("caseNumber") + "/escalations",
                "escalationId", String.class)).containsExactly(List.of());
    }

    /**
     * A case that closes withdraws its escalations Engineering has not taken (awaiting approval, or approved on the
     * board) and closes the one Engineering resolved; the one an engineer accepted stays with Engineering. The
     * closure delivered again after a reopen (as a replay would, with a new event id) leaves the case open and an
     * escalation raised since alone.
     */
    @Test
    void aClosedCaseEndsItsEscalationsEngineeringIsNotWorking() {
        String caseNumber = caseOfTom();
        String waiting = raise(caseNumber, "defect");
        String onBoard = raise(caseNumber, "question");
        post(LU, onBoard, "approvals", "", 200);
        String taken = raise(caseNumber, "question");
        post(LU, taken, "approvals", "", 200);
        post(DEV, taken, "acceptance", "", 200);
        String resolved = raise(caseNumber, "question");
        post(LU, resolved, "approvals", "", 200);
        post(DEV, resolved, "acceptance", "", 200);
        post(DEV, resolved, "resolution", "{\"text\":\"Fixed in 2026.11\"}", 200);

        Actor ada = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        CaseClosed closed = new CaseClosed(caseNumber, ORG, CloseReason.CONFIRMED, ada);
        Instant closedAt = Instant.now();
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, closed, closedAt,
                UUID.randomUUID().toString());
        String reason = "case " + caseNumber + " closed before Engineering took the escalation";
        for (String id : List.of(waiting, onBoard)) {
            await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + id).then()
                    .body("escalation.status", equalTo("WITHDRAWN"))
                    .body("history[-1].kind", equalTo("withdrawn")).body("history[-1].actorId", equalTo("system"))
                    .body("history[-1].text", equalTo(reason)));
        }
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + resolved).then()
                .body("escalation.status", equalTo("CLOSED"))
                .body("history[-1].kind", equalTo("closed")).body("history[-1].actorId", equalTo("system")));

        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 4, new CaseReopened(caseNumber, ORG,
                "It is back", ada));
        await().atMost(WAIT).untilAsserted(() -> as(TOM).body(RAISE.formatted("probe"))
                .post("/cases/" + caseNumber + "/escalations").then().statusCode(400)); // open again (409 before)
        String afterReopen = raise(caseNumber, "defect");
        String replayed = TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, closed, closedAt,
                UUID.randomUUID().toString());
        // applied (its record commits with whatever it withdrew), and it withdrew nothing raised after the reopen
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT 1 FROM consumed_event WHERE consumer ="
                + " 'known-cases' AND event_id = ?", row -> 1, replayed).isPresent());
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), afterReopen)).contains(1L);
        as(TOM).body(RAISE.formatted("probe")).post("/cases/" + caseNumber + "/escalations").then().statusCode(400);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 5, closed, Instant.now(),
                UUID.randomUUID().toString());

        // the second real closure withdraws it
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ESCALATION,
                read -> types(read, afterReopen).contains("io.casetrail.escalation.withdrawn.v1"), WAIT);
        assertThat(types(records, afterReopen)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.withdrawn.v1");
        assertThat(types(records, waiting)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.withdrawn.v1");
        assertThat(types(records, onBoard)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.approved.v1",
                "io.casetrail.escalation.withdrawn.v1");
        assertThat(types(records, taken)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.approved.v1",
                "io.casetrail.escalation.accepted.v1");
        assertThat(types(records, resolved)).containsExactly("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.approved.v1",
                "io.casetrail.escalation.accepted.v1", "io.casetrail.escalation.resolved.v1",
                "io.casetrail.escalation.closed.v1");
        as(AUDITOR).get("/escalations/" + taken).then().body("escalation.status", equalTo("ACCEPTED"));
        // what reached the board before it was withdrawn, Engineering reads; what never did, it does not
        as(DEV).get("/escalations/" + onBoard).then().statusCode(200).body("escalation.reachedEngineering",
                equalTo(true));
        as(DEV).get("/escalations/" + waiting).then().statusCode(403);
    }

    /**
     * An escalation Engineering was working when its case closed stays with Engineering; resolved afterwards, it is
     * closed with it (by system): nobody is left to close it, and it would keep the closed case escalated.
     */
    @Test
    void anEscalationResolvedAfterItsCaseClosedIsClosedWithIt() {
        String caseNumber = caseOfTom();
        String id = raise(caseNumber, "question");
        post(LU, id, "approvals", "", 200);
        post(DEV, id, "acceptance", "", 200);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, new CaseClosed(caseNumber, ORG,
                CloseReason.CONFIRMED, new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).untilAsserted(() -> as(TOM).body(RAISE.formatted("defect"))
                .post("/cases/" + caseNumber + "/escalations").then().statusCode(409));
        as(AUDITOR).get("/escalations/" + id).then().body("escalation.status", equalTo("ACCEPTED"));

        as(DEV).body("{\"text\":\"Fixed in 2026.12\"}").post("/escalations/" + id + "/resolution").then()
                .statusCode(200).body("status", equalTo("CLOSED"));
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ESCALATION,
                read -> types(read, id).contains("io.casetrail.escalation.closed.v1"), WAIT);
        assertThat(types(records, id)).endsWith("io.casetrail.escalation.resolved.v1",
                "io.casetrail.escalation.closed.v1");
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/escalations/" + id).then()
                .body("escalation.status", equalTo("CLOSED")).body("history[-1].actorId", equalTo("system")));
    }

    /**
     * A raise and the case's closure are recorded one after the other: while the closure is being recorded (its
     * transaction holds the case's row, as the known-cases consumer's does) the raise waits, and then sees the case
     * closed. Reading the row without waiting, it would raise on a case that closed under it, after the closure had
     * looked for escalations to withdraw.
     */
    @Test
    void aRaiseWaitsForAClosureBeingRecordedAndThenSeesTheCaseClosed() throws Exception {
        String caseNumber = caseOfTom();
        try (HeldRows closure = HeldRows.hold(dataSource,
                "UPDATE known_case SET status = 'CLOSED' WHERE case_number = ?", caseNumber)) {
            CompletableFuture<Integer> raised = CompletableFuture.supplyAsync(() -> as(TOM)
                    .body(RAISE.formatted("defect")).post("/cases/" + caseNumber + "/escalations").statusCode());
            LockWaits.awaitWaiter(dataSource, "FROM known_case WHERE case_number", WAIT);
            assertThat(raised).isNotDone();
            closure.commit();
            assertThat(raised.get(30, TimeUnit.SECONDS)).isEqualTo(409);
        }
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM case_escalation_ref WHERE case_number = ?",
                row -> row.getLong(1), caseNumber)).contains(0L);
    }

    @Test
    void rejectionEndsTheRequestWithItsReason() {
        String caseNumber = caseOfTom();
        String id = raise(caseNumber, "question");
        post(LU, id, "rejection", "{\"reason\":\"\"}", 400);
        as(LU).body("{\"reason\":\"Answered in KB-1234\"}").post("/escalations/" + id + "/rejection").then()
                .statusCode(200).body("status", equalTo("REJECTED"));
        post(LU, id, "approvals", "", 409);
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + id).then()
                .body("history.text", hasItem("Answered in KB-1234")));
        // a rejected escalation never reached Engineering
        as(DEV).get("/escalations/" + id).then().statusCode(403);
    }

    @Test
    void refusalsChangeNothing() {
        String caseNumber = caseOfTom();
        given().contentType(ContentType.JSON).body(RAISE.formatted("defect")).post("/cases/" + caseNumber
                + "/escalations").then().statusCode(401);
        as(ADA).body(RAISE.formatted("defect")).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(403);
        as(LEO).body(RAISE.formatted("defect")).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(403);
        as(TOM).body("{\"requestType\":\"defect\"}").post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(400).contentType("application/problem+json");
        as(TOM).body(RAISE.formatted("wish")).post("/cases/" + caseNumber + "/escalations").then()
                .statusCode(400).body("detail", org.hamcrest.Matchers.containsString("defect"));
        as(TOM).body(RAISE.formatted("defect").replace("(kid 7f3a)", "x".repeat(4001))).post("/cases/" + caseNumber
                + "/escalations").then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString(
                "logExcerpts"));
        as(TOM).body(RAISE.formatted("defect")).post("/cases/00000000/escalations").then().statusCode(404);
        as(AUDITOR).get("/cases/00000000/escalations").then().statusCode(404)
                .contentType("application/problem+json");
        // nothing recorded: no escalation of the case in the raise's own transaction, no event
        assertThat(escalationRefs(caseNumber)).isZero();
        assertThat(as(AUDITOR).get("/cases/" + caseNumber + "/escalations").then().statusCode(200).extract()
                .jsonPath().getList("$")).isEmpty();

        String id = raise(caseNumber, "question");
        assertThat(escalationRefs(caseNumber)).isEqualTo(1L);
        await().atMost(WAIT).untilAsserted(() -> as(LU).get("/escalations/" + id).then().statusCode(200));
        as(ADA).get("/escalations/" + id).then().statusCode(403);
        as(LEO).get("/escalations/" + id).then().statusCode(403);
        as(DEV).get("/escalations/" + id).then().statusCode(403);
        // an engineer of the team reads the escalations of the cases it works and those it raised, not a teammate's
        as(TOM).get("/escalations/" + id).then().statusCode(200);
        as(TIA).get("/escalations/" + id).then().statusCode(403);
        as(TOM).get("/cases/" + caseNumber + "/escalations").then().statusCode(200).body("escalationId",
                equalTo(List.of(id)));
        as(TIA).get("/cases/" + caseNumber + "/escalations").then().statusCode(200).body("$", hasSize(0));
        post(TOM, id, "approvals", "", 403);                        // the raiser, an engineer: no approver
        post(LEO, id, "approvals", "", 403);                        // another team's lead
        post(TIA, id, "closure", "", 403);
        as(LU).get("/escalations/00000000-0000-0000-0000-000000000000").then().statusCode(404);
        // Engineering's steps are Engineering's; the board and the approvals are not customers' or engineers' of
        // support; a customer reads no escalation of its case
        post(LU, id, "acceptance", "", 403);
        post(TOM, id, "information-requests", "{\"text\":\"more?\"}", 403);
        post(EVE, id, "updates", "{\"text\":\"news\"}", 403);
        post(MAY, id, "resolution", "{\"text\":\"done\"}", 403);
        // a manager named blank is bad input, whoever names it
        post(EVE, id, "manager", "{\"managerId\":\" \"}", 400);
        post(LU, id, "manager", "{\"managerId\":\"em-eve\",\"managerName\":\"\"}", 400);
        // a rejection is an approver's (not the raiser's, not another team's lead); a manager is taken by an
        // escalation manager or named by a lead of the team, not by the case's engineer or another team's lead
        post(TOM, id, "rejection", "{\"reason\":\"no\"}", 403);
        post(LEO, id, "rejection", "{\"reason\":\"no\"}", 403);
        post(TOM, id, "manager", "{\"managerId\":\"em-eve\"}", 403);
        post(LEO, id, "manager", "{\"managerId\":\"em-eve\"}", 403);
        for (String outsider : List.of(ADA, TOM)) {
            as(outsider).get("/board").then().statusCode(403).contentType("application/problem+json");
            as(outsider).get("/board/APPROVED").then().statusCode(403);
            as(outsider).get("/approvals/pending").then().statusCode(403);
        }
        as(ADA).get("/cases/" + caseNumber + "/escalations").then().statusCode(403);
        // the escalation is as raised: its one event, awaiting its lead's approval
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), id)).contains(1L);
        as(LU).get("/escalations/" + id).then().statusCode(200).body("escalation.status",
                equalTo("AWAITING_APPROVAL")).body("history.kind", equalTo(List.of("raised")));

        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, new CaseClosed(caseNumber, ORG,
                CloseReason.CONFIRMED, new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).untilAsserted(() -> as(TOM).body(RAISE.formatted("defect"))
                .post("/cases/" + caseNumber + "/escalations").then().statusCode(409));
    }

    private long escalationRefs(String caseNumber) {
        return jdbc.queryOne("SELECT COUNT(*) FROM case_escalation_ref WHERE case_number = ?",
                row -> row.getLong(1), caseNumber).orElseThrow();
    }

    private static List<String> types(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).map(r -> header(r, CloudEventHeaders.TYPE))
                .toList();
    }

}
