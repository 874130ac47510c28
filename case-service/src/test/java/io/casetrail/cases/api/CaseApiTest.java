package io.casetrail.cases.api;

import static io.casetrail.cases.api.TestPrincipals.ACME;
import static io.casetrail.cases.api.TestPrincipals.ACME_ADMIN;
import static io.casetrail.cases.api.TestPrincipals.ACME_CONTACT;
import static io.casetrail.cases.api.TestPrincipals.ACME_OTHER_ADMIN;
import static io.casetrail.cases.api.TestPrincipals.AUDITOR;
import static io.casetrail.cases.api.TestPrincipals.ENGINEER;
import static io.casetrail.cases.api.TestPrincipals.GLOBEX;
import static io.casetrail.cases.api.TestPrincipals.GLOBEX_ADMIN;
import static io.casetrail.cases.api.TestPrincipals.LEAD_LU;
import static io.casetrail.cases.api.TestPrincipals.TSE_TIA;
import static io.casetrail.cases.api.TestPrincipals.TSE_TOM;
import static io.casetrail.cases.api.TestPrincipals.as;
import static io.casetrail.cases.api.TestPrincipals.openAcmeCase;
import static io.casetrail.cases.api.TestPrincipals.openAssignedCase;
import static io.casetrail.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.junit.jupiter.api.Test;


import io.casetrail.cases.command.PostInternalNote;
import io.casetrail.cases.command.SupportCase;
import io.casetrail.cases.query.CaseViewProjection;
import io.casetrail.events.Topics;
import io.casetrail.platform.security.Caller;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.HeldRows;
import io.casetrail.testing.Links;
import io.casetrail.testing.LockWaits;
import io.casetrail.testing.MovableClock;
import io.casetrail.testing.RawHttp;
import io.casetrail.testing.RequestLogRecords;
import io.casetrail.testing.RequestLogRecords.Filed;
import io.casetrail.testing.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

/** case-service through its REST API, on a real Kafka broker and a real database. */
@QuarkusTest
class CaseApiTest {

    private static final Duration PROJECTION_WAIT = Duration.ofSeconds(20);

    @Inject
    Jdbc jdbc;

    @Inject
    MovableClock clock;

    @Inject
    DataSource dataSource;

    @Inject
    io.casetrail.platform.axon.AxonRuntime axon;

    @Inject
    CommandGateway commands;

    // --- the case travels: command → event store → Kafka, queues, timeline ----------------------------------

    @Test
    void openedCaseIsPublishedOnTheCaseTopicAsABinaryCloudEventKeyedByCase() {
        String caseNumber = openAcmeCase("P2");

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.CASE,
                read -> read.stream().filter(r -> caseNumber.equals(r.key())).count() >= 2, PROJECTION_WAIT);
        ConsumerRecord<String, byte[]> opened = records.stream()
                .filter(r -> caseNumber.equals(r.key()) && "io.casetrail.case.opened.v1".equals(header(r, "ce_type")))
                .findFirst().orElseThrow();

        String storedId = jdbc.queryOne("SELECT eventidentifier FROM domainevententry WHERE aggregateidentifier = ?"
                + " AND sequencenumber = 0", row -> row.getString(1), caseNumber).orElseThrow();
        assertThat(header(opened, "ce_specversion")).isEqualTo("1.0");
        assertThat(header(opened, "ce_id")).isEqualTo(storedId);
        assertThat(header(opened, "ce_source")).isEqualTo("/casetrail/case-service");
        assertThat(header(opened, "ce_subject")).isEqualTo(caseNumber);
        assertThat(header(opened, "ce_orgid")).isEqualTo(ACME);
        assertThat(header(opened, "ce_caseid")).isEqualTo(caseNumber);
        assertThat(header(opened, "ce_actor")).isEqualTo("admin-ada");
        assertThat(header(opened, "ce_sequence")).isEqualTo("0");
        // the id of the request that opened it, stored with the command's events: the same on both of them
        String correlation = jdbc.queryOne("SELECT metadata FROM domainevententry WHERE aggregateidentifier = ?"
                + " AND sequencenumber = 0", row -> requestId(row.getBytes(1)), caseNumber).orElseThrow();
        assertThat(correlation).isNotBlank();
        assertThat(records.stream().filter(r -> caseNumber.equals(r.key())).map(r -> header(r, "ce_correlationid"))
                .distinct().toList()).containsExactly(correlation);
        assertThat(header(opened, "content-type")).isEqualTo("application/json");
        assertThat(Instant.parse(header(opened, "ce_time"))).isBefore(clock.instant().plusSeconds(1));
        String json = new String(opened.value(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"caseNumber\":\"" + caseNumber + "\"").contains("\"subject\":\"SAML login fails\"")
                .contains("\"team\":\"sso\"");
        // the SLA clock of the new case follows it on the same key, in order
        assertThat(records.stream().filter(r -> caseNumber.equals(r.key())).map(r -> header(r, "ce_sequence"))
                .toList()).startsWith("0", "1");
    }

    @Test
    void theEventsOfARequestCarryItsRequestIdAsTheirCorrelationId() {
        String body = """
                {"orgUrl":"https://acme.okta.com","subject":"Traced","description":"d","productArea":"SSO",
                 "priority":"P3","contactPreference":"EMAIL"}""";
        // the caller's X-Request-Id
        String given = "req-" + Long.toString(System.nanoTime(), 36);
        Response named = as(ACME_ADMIN).header("X-Request-Id", given).body(body).post("/cases");
        named.then().statusCode(201).header("X-Request-Id", given);
        // none given: the one the answer names
        Response unnamed = as(ACME_ADMIN).body(body).post("/cases");
        unnamed.then().statusCode(201);
        String assigned = unnamed.header("X-Request-Id");
        assertThat(assigned).isNotBlank().isNotEqualTo(given);

        for (Response answer : List.of(named, unnamed)) {
            String caseNumber = answer.path("caseNumber");
            String requestId = answer.header("X-Request-Id");
            assertThat(jdbc.query("SELECT metadata FROM domainevententry WHERE aggregateidentifier = ?",
                    row -> requestId(row.getBytes(1)), caseNumber)).hasSize(2).containsOnly(requestId);
            List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.CASE,
                    read -> read.stream().filter(r -> caseNumber.equals(r.key())).count() >= 2, PROJECTION_WAIT);
            assertThat(records.stream().filter(r -> caseNumber.equals(r.key()))
                    .map(r -> header(r, "ce_correlationid")).distinct().toList()).containsExactly(requestId);
        }
    }

    /**
     * Support's requests about a case are filed under the case's org in their request logs (support is bound to no
     * org, and the path names only the case): the internal log's org filter finds them, as it finds the case's
     * events. A refusal is filed there too; a case this service does not know gives no org.
     */
    @Test
    void requestsAboutACaseAreLoggedUnderTheCasesOrg() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        String replied = "reply-" + UUID.randomUUID();
        String read = "read-" + UUID.randomUUID();
        String unknown = "unknown-" + UUID.randomUUID();
        as(TSE_TOM).header("X-Request-Id", replied).body("{\"body\":\"Looking into it\"}")
                .post("/cases/" + caseNumber + "/replies").then().statusCode(200);
        as(AUDITOR).header("X-Request-Id", read).get("/cases/" + caseNumber).then().statusCode(200);
        // refused for its role (answered where the role check runs, before any worker thread)
        String refused = "refused-" + UUID.randomUUID();
        as(AUDITOR).header("X-Request-Id", refused).body("{\"body\":\"hi\"}")
                .post("/cases/" + caseNumber + "/replies").then().statusCode(403);
        as(TSE_TOM).header("X-Request-Id", unknown).get("/cases/99999999").then().statusCode(404);
        Map<String, Filed> logs = RequestLogRecords.of(List.of(replied, read, refused, unknown), PROJECTION_WAIT);
        for (String id : List.of(replied, read, refused)) {
            assertThat(logs.get(id)).as(id).isEqualTo(Filed.under(ACME, caseNumber));
        }
        assertThat(logs.get(unknown)).isEqualTo(Filed.under(null, "99999999"));
    }

    @Test
    void openedCaseShowsInItsTeamsUnassignedQueueAndOnItsTimeline() {
        String caseNumber = openAcmeCase("P3");

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TIA)
                .when().get("/queues/teams/sso/unassigned?limit=200")
                .then().statusCode(200)
                .body("caseNumber", hasItem(caseNumber)));
        // the timeline is another projection: it follows on its own
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).when().get("/cases/" + caseNumber
                        + "/timeline")
                .then().statusCode(200)
                .body("[0].type", equalTo("io.casetrail.case.opened.v1"))
                .body("[0].summary", equalTo("Case opened by Ada Admin: SAML login fails"))
                .body("[0].visibility", equalTo("PUBLIC")));
    }

    @Test
    void caseGoesThroughItsLifecycleAndTheQueueFollows() {
        String caseNumber = openAssignedCase("P2");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).when().get("/queues/mine?limit=200")
                .then().statusCode(200).body("caseNumber", hasItem(caseNumber)));

        as(TSE_TOM).body("{\"body\":\"Which app fails?\"}").post("/cases/" + caseNumber + "/information-requests")
                .then().statusCode(200).body("status", equalTo("PENDING_CUSTOMER"));
        as(ACME_ADMIN).body("{\"body\":\"The HR portal\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(200).body("status", equalTo("OPEN"));
        as(TSE_TOM).body("{\"summary\":\"Renewed the certificate\",\"knowledgeArticleId\":\"KB-7\"}")
                .post("/cases/" + caseNumber + "/resolution")
                .then().statusCode(200).body("status", equalTo("RESOLVED_PENDING_CONFIRMATION"));
        as(ACME_ADMIN).post("/cases/" + caseNumber + "/resolution/confirmation")
                .then().statusCode(200).body("status", equalTo("CLOSED"));

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).when().get("/cases/" + caseNumber)
                .then().statusCode(200).body("status", equalTo("CLOSED")).body("closedAt", notNullValue()));
        as(TSE_TOM).when().get("/queues/mine?limit=200").then().body("caseNumber", not(hasItem(caseNumber)));
        as(TSE_TOM).when().get("/queues/mine?status=CLOSED&limit=200").then().body("caseNumber", hasItem(caseNumber));
    }

    @Test
    void internalPostsNeverReachACustomerPrincipal() {
        String caseNumber = openAssignedCase("P2");
        int noted = as(TSE_TOM).body("{\"body\":\"Customer runs an expired signing cert\"}")
                .post("/cases/" + caseNumber + "/internal-notes").then().statusCode(200).extract().path("version");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .body("version", equalTo(noted)));
        String updatedAt = as(ACME_ADMIN).get("/cases/" + caseNumber).then().statusCode(200).extract()
                .path("updatedAt");
        as(TSE_TOM).body("{\"party\":\"TEAM_LEAD\",\"consultant\":\"lead-lu\",\"notes\":\"agreed to renew\"}")
                .post("/cases/" + caseNumber + "/consultations").then().statusCode(200);

        visible(caseNumber);
        int uploaded = given().auth().oauth2(TSE_TOM).contentType("text/plain").body("heap dump")
                .post("/cases/" + caseNumber + "/attachments?fileName=secret-trace.txt&internal=true")
                .then().statusCode(201).extract().path("version");
        // the view has caught up with the internal file, and the customer's view does not show when it came
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .body("version", equalTo(uploaded)));
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().body("updatedAt", equalTo(updatedAt));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber + "/timeline")
                .then().body("type", hasItem("io.casetrail.case.internal-note-posted.v1"))
                .body("type", hasItem("io.casetrail.case.consultation-recorded.v1"))
                .body("type", hasItem("io.casetrail.case.attachment-added.v1")));

        String customerView = as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then().statusCode(200)
                .extract().asString();
        assertThat(customerView).doesNotContain("expired signing cert").doesNotContain("agreed to renew")
                .doesNotContain("internal-note").doesNotContain("consultation").doesNotContain("sla-")
                .doesNotContain("secret-trace");
        String customerSearch = as(ACME_ADMIN).get("/cases?limit=200").then().statusCode(200).extract().asString();
        assertThat(customerSearch).doesNotContain("expired signing cert").doesNotContain("\"sla\"");
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().statusCode(200)
                .body("sla", nullValue()).body("team", nullValue());
        // nor the team the case was routed to, in the opening's payload on the timeline
        as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline").then()
                .body("find { it.type == 'io.casetrail.case.opened.v1' }.data.subject", equalTo("SAML login fails"))
                .body("find { it.type == 'io.casetrail.case.opened.v1' }.data", not(hasKey("team")));
        as(TSE_TOM).get("/cases/" + caseNumber + "/timeline").then()
                .body("find { it.type == 'io.casetrail.case.opened.v1' }.data.team", equalTo("sso"));
        as(TSE_TOM).get("/cases/" + caseNumber).then().statusCode(200)
                .body("sla.target", equalTo("FIRST_RESPONSE")).body("team", equalTo("sso"));
        // a remote session is proposed for a time to come (not years ahead: epoch milliseconds taken for seconds)
        for (String start : List.of("1970-01-01T00:00:00Z", "+57970-01-01T00:00:00Z", "1767225600000")) {
            String quoted = start.startsWith("1767") ? start : "\"" + start + "\"";
            as(TSE_TOM).body("{\"joinUrl\":\"https://meet.example/1\",\"proposedStart\":" + quoted + "}")
                    .post("/cases/" + caseNumber + "/remote-session-offers").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("proposedStart"));
        }
        // a remote session offered is correspondence: it shows
        int offered = as(TSE_TOM).body("{\"joinUrl\":\"https://meet.example/1\"}")
                .post("/cases/" + caseNumber + "/remote-session-offers").then().statusCode(200).extract()
                .path("version");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .body("version", equalTo(offered)));
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().body("updatedAt", not(equalTo(updatedAt)));
    }

    // --- refusals ------------------------------------------------------------------------------------------

    @Test
    void requestsWithoutATokenAre401ProblemJson() {
        given().contentType(ContentType.JSON).body("{}").when().post("/cases")
                .then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", "Bearer")
                .body("status", equalTo(401));
        given().when().get("/cases/00000001").then().statusCode(401);
    }

    @Test
    void tamperedTokenIs401() {
        String forged = ACME_ADMIN.substring(0, ACME_ADMIN.length() - 4) + "AAAA";
        as(forged).when().get("/cases").then().statusCode(401);
    }

    @Test
    void customerOfAnotherOrgIsRefused() {
        String caseNumber = openAssignedCase("P3");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        long stored = storedEvents(caseNumber);
        long opened = openedCases();

        as(GLOBEX_ADMIN).body("{\"body\":\"hi\"}").post("/cases/" + caseNumber + "/replies")
                .then().statusCode(403).body("detail", containsString("another org"));
        as(GLOBEX_ADMIN).get("/cases?limit=200").then().statusCode(200).body("caseNumber", not(hasItem(caseNumber)));
        // refused, and told nothing of whose case it is: case numbers follow each other, and a refusal naming the
        // org would tell a stranger who owns each
        String base = "/cases/" + caseNumber;
        for (Response refused : List.of(as(GLOBEX_ADMIN).get(base), as(GLOBEX_ADMIN).get(base + "/timeline"),
                as(GLOBEX_ADMIN).post(base + "/resolution/confirmation"),
                as(GLOBEX_ADMIN).body("{\"reason\":\"no\"}").post(base + "/resolution/rejection"),
                as(GLOBEX_ADMIN).body("{\"reason\":\"again\"}").post(base + "/reopen"),
                as(GLOBEX_ADMIN).body("{\"contactId\":\"admin-gus\"}").post(base + "/contacts"),
                as(GLOBEX_ADMIN).delete(base + "/contacts/admin-bo"))) {
            refused.then().statusCode(403).contentType("application/problem+json").body(not(containsString(ACME)));
        }
        as(GLOBEX_ADMIN).get("/queues/mine").then().statusCode(403);
        as(GLOBEX_ADMIN).body("""
                {"orgId":"org-acme","orgUrl":"https://acme.okta.com","subject":"s","description":"d",
                 "productArea":"SSO","priority":"P3","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(403);
        // refused, each changed nothing
        assertThat(storedEvents(caseNumber)).isEqualTo(stored);
        assertThat(openedCases()).isEqualTo(opened);
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().body("status", equalTo("OPEN"))
                .body("contacts", equalTo(List.of("admin-bo")));
    }

    /**
     * An operation that takes no body takes none, or {@code {}}, with or without a Content-Type (as curl sends it);
     * a field in its body is refused 400 naming it and changes nothing, never dropped (docs/api.md).
     */
    @Test
    void anOperationThatTakesNoBodyRefusesAFieldInOne() {
        String refused = openAcmeCase("P3");
        long before = storedEvents(refused);
        as(TSE_TOM).body("{\"assignee\":\"tse-tia\"}").post("/cases/" + refused + "/take").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", containsString("\"assignee\""));
        // nor a body that is no JSON at all: a form, text, a truncated object
        for (String body : List.of("assignee=tse-tia", "x", "{")) {
            given().auth().oauth2(TSE_TOM).contentType("text/plain").body(body).post("/cases/" + refused + "/take")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/malformed-body"));
        }
        assertThat(storedEvents(refused)).isEqualTo(before);
        given().auth().oauth2(TSE_TOM).post("/cases/" + refused + "/take").then().statusCode(200)
                .body("assignee", equalTo("tse-tom"));
        as(TSE_TOM).body("{}").post("/cases/" + openAcmeCase("P3") + "/take").then().statusCode(200);
        as(TSE_TOM).post("/cases/" + openAcmeCase("P3") + "/take").then().statusCode(200);
    }

    @Test
    void engineerIsRefusedOnACaseThatIsNotTheirs() {
        String caseNumber = openAssignedCase("P3");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber)
                .then().statusCode(200).body("assignee", equalTo("tse-tom")));

        long eventsBefore = storedEvents(caseNumber);
        as(TSE_TIA).get("/cases/" + caseNumber).then().statusCode(403);
        as(TSE_TIA).body("{\"body\":\"hello\"}").post("/cases/" + caseNumber + "/replies").then().statusCode(403)
                .body("detail", containsString("assigned engineer"));
        as(TSE_TIA).body("{\"body\":\"n\"}").post("/cases/" + caseNumber + "/internal-notes").then().statusCode(403);
        as(TSE_TIA).post("/cases/" + caseNumber + "/take").then().statusCode(409);
        // every command of the work on a case is its worker's, with a body that is itself valid
        String base = "/cases/" + caseNumber;
        Map<String, String> work = new LinkedHashMap<>();
        work.put("/resolution", "{\"summary\":\"fixed\"}");
        work.put("/knowledge-articles", "{\"articleId\":\"KB1\",\"title\":\"t\"}");
        work.put("/consultations", "{\"party\":\"TEAM_LEAD\",\"consultant\":\"lead-lu\",\"notes\":\"n\"}");
        work.put("/priority", "{\"priority\":\"P1\",\"reason\":\"r\"}");
        work.put("/information-requests", "{\"body\":\"logs?\"}");
        work.put("/remote-session-offers", "{\"joinUrl\":\"https://meet.example/x\",\"note\":\"n\"}");
        work.put("/phone-calls", "{\"contactId\":\"admin-ada\",\"summary\":\"s\",\"customerAnswered\":false}");
        work.forEach((path, body) -> as(TSE_TIA).body(body).post(base + path).then().statusCode(403)
                .contentType("application/problem+json"));
        given().auth().oauth2(TSE_TIA).contentType("text/plain").body("x").post(base + "/attachments?fileName=a.txt")
                .then().statusCode(403);
        as(TSE_TIA).get(base + "/timeline").then().statusCode(403);
        // nor does support not on the case remove a contact, whose consents would stop counting
        String mfaLead = TestPrincipals.MINT.token("lead-max").role(Roles.TEAM_LEAD).team("mfa").sign();
        as(TSE_TIA).delete(base + "/contacts/admin-bo").then().statusCode(403);
        as(mfaLead).delete(base + "/contacts/admin-bo").then().statusCode(403);
        // a search finds an engineer's own cases and its teams' new ones, not a teammate's open case
        String tomsOpenCases = "/cases?assignee=tse-tom&status=OPEN&limit=200";
        as(TSE_TOM).get(tomsOpenCases).then().statusCode(200).body("caseNumber", hasItem(caseNumber));
        as(TSE_TIA).get(tomsOpenCases).then().statusCode(200).body("caseNumber", hasSize(0));
        // a lead's view of an engineer's queue is not the engineer's, and holds only the lead's teams' cases
        String tomsQueue = "/queues/engineers/tse-tom?priority=P3&limit=200";
        as(TSE_TIA).get(tomsQueue).then().statusCode(403);
        as(LEAD_LU).get(tomsQueue).then().statusCode(200).body("caseNumber", hasItem(caseNumber));
        as(mfaLead).get(tomsQueue).then().statusCode(200).body("caseNumber", not(hasItem(caseNumber)));
        String leadOfNoTeam = TestPrincipals.MINT.token("lead-nil").role(Roles.TEAM_LEAD).sign();
        as(leadOfNoTeam).get(tomsQueue).then().statusCode(403);
        String mfaEngineer = TestPrincipals.MINT.token("tse-max").role(Roles.SUPPORT_ENGINEER).team("mfa").sign();
        as(mfaEngineer).get("/queues/teams/sso/unassigned").then().statusCode(403);
        as(mfaEngineer).get(base).then().statusCode(403);
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
        as(TSE_TOM).get(base).then().body("status", equalTo("OPEN")).body("priority", equalTo("P3"));
    }

    /** What each of a principal's roles reads, it finds: a lead of one team who also works another team's case. */
    @Test
    void aLeadWhoIsAlsoAnEngineerFindsTheCasesAssignedToItInOtherTeams() {
        String caseNumber = openAcmeCase("P3");
        as(LEAD_LU).body("{\"assignee\":\"lead-mo\"}").post("/cases/" + caseNumber + "/assignment").then()
                .statusCode(200);
        String mo = TestPrincipals.MINT.token("lead-mo").role(Roles.TEAM_LEAD).role(Roles.SUPPORT_ENGINEER)
                .team("mfa").sign();
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(mo).get("/cases/" + caseNumber).then().statusCode(200)
                .body("assignee", equalTo("lead-mo")));
        as(mo).get("/cases?limit=200&status=OPEN").then().statusCode(200).body("caseNumber", hasItem(caseNumber));
        as(mo).get("/queues/mine?limit=200").then().statusCode(200).body("caseNumber", hasItem(caseNumber));
        // a lead of another team, not an engineer, does not read the case, and its queue does not list it
        String bo = TestPrincipals.MINT.token("lead-bo").role(Roles.TEAM_LEAD).team("mfa").sign();
        as(LEAD_LU).body("{\"assignee\":\"lead-bo\"}").post("/cases/" + caseNumber + "/assignment").then()
                .statusCode(200);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber).then()
                .body("assignee", equalTo("lead-bo")));
        as(bo).get("/cases/" + caseNumber).then().statusCode(403);
        as(bo).get("/queues/mine?limit=200").then().statusCode(200).body("caseNumber", not(hasItem(caseNumber)));
    }

    @Test
    void onlyTheOpenerAndContactsAssociateAdminsWithACase() {
        String caseNumber = openAssignedCase("P3");
        long eventsBefore = storedEvents(caseNumber);
        // another admin of the org cannot make itself a contact (and so a consenter); nor can support
        as(ACME_OTHER_ADMIN).body("{\"contactId\":\"admin-cy\"}").post("/cases/" + caseNumber + "/contacts")
                .then().statusCode(403).body("detail", containsString("opened case " + caseNumber));
        as(TSE_TOM).body("{\"contactId\":\"admin-cy\"}").post("/cases/" + caseNumber + "/contacts")
                .then().statusCode(403);
        as(ACME_OTHER_ADMIN).delete("/cases/" + caseNumber + "/contacts/admin-bo").then().statusCode(403);
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .statusCode(200).body("contacts", contains("admin-bo")));
        // a contact may associate another admin
        as(ACME_CONTACT).body("{\"contactId\":\"admin-cy\"}").post("/cases/" + caseNumber + "/contacts")
                .then().statusCode(200);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber).then()
                .body("contacts", containsInAnyOrder("admin-bo", "admin-cy")));
    }

    @Test
    void rolesWithoutCaseAccessAreRefused() {
        String caseNumber = openAcmeCase("P4");
        long stored = storedEvents(caseNumber);
        as(ENGINEER).get("/cases").then().statusCode(403);
        as(ENGINEER).body("{\"body\":\"x\"}").post("/cases/" + caseNumber + "/replies").then().statusCode(403);
        as(AUDITOR).body("{\"assignee\":\"tse-tom\"}").post("/cases/" + caseNumber + "/assignment")
                .then().statusCode(403);
        as(ACME_ADMIN).body("{\"assignee\":\"tse-tom\"}").post("/cases/" + caseNumber + "/assignment")
                .then().statusCode(403);
        as(ACME_ADMIN).get("/queues/teams/sso/unassigned").then().statusCode(403);
        // an unassigned case of the sso team: another team's engineer does not take it, another team's lead does not
        // assign it; the auditor changes nothing anywhere
        String mfaEngineer = TestPrincipals.MINT.token("tse-max").role(Roles.SUPPORT_ENGINEER).team("mfa").sign();
        String mfaLead = TestPrincipals.MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign();
        as(mfaEngineer).post("/cases/" + caseNumber + "/take").then().statusCode(403)
                .contentType("application/problem+json");
        as(mfaLead).body("{\"assignee\":\"tse-max\"}").post("/cases/" + caseNumber + "/assignment").then()
                .statusCode(403);
        String base = "/cases/" + caseNumber;
        for (Response refused : List.of(as(AUDITOR).post(base + "/take"),
                as(AUDITOR).body("{\"body\":\"x\"}").post(base + "/replies"),
                as(AUDITOR).body("{\"body\":\"x\"}").post(base + "/internal-notes"),
                as(AUDITOR).body("{\"priority\":\"P1\",\"reason\":\"r\"}").post(base + "/priority"),
                as(AUDITOR).body("{\"summary\":\"fixed\"}").post(base + "/resolution"),
                as(AUDITOR).post(base + "/resolution/confirmation"),
                as(AUDITOR).body("{\"reason\":\"again\"}").post(base + "/reopen"),
                given().auth().oauth2(AUDITOR).contentType("text/plain").body("x")
                        .post(base + "/attachments?fileName=a.txt"),
                as(ENGINEER).get(base + "/timeline"),
                as(ENGINEER).post(base + "/resolution/confirmation"))) {
            refused.then().statusCode(403).contentType("application/problem+json");
        }
        assertThat(storedEvents(caseNumber)).isEqualTo(stored);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber).then()
                .statusCode(200).body("status", equalTo("NEW")).body("assignee", nullValue()));
    }

    @Test
    void badInputIs400ProblemJsonAndStoresNothing() {
        long casesBefore = openedCases();
        as(ACME_ADMIN).body("""
                {"orgUrl":"http://not-https","subject":"","description":"d","productArea":"SSO",
                 "contactPreference":"EMAIL"}
                """).post("/cases")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/invalid-input"))
                .body("errors.field", hasItem("subject"))
                .body("errors.field", hasItem("orgUrl"))
                .body("errors.field", hasItem("priority"));
        as(ACME_ADMIN).body("{\"orgUrl\":").post("/cases").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"));
        as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"s","description":"d","productArea":"NETWORK",
                 "priority":"P1","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(400).body("detail", containsString("productArea"))
                .body("detail", containsString("NETWORK is none of SSO, UNIVERSAL_DIRECTORY"))
                .body("detail", not(containsString("io.casetrail")));
        as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"s","description":"d","productArea":"SSO",
                 "priority":"P1","contactPreference":"EMAIL","contacts":"admin-bo"}
                """).post("/cases").then().statusCode(400).body("detail", containsString("at 'contacts'"))
                .body("detail", not(containsString("java.util")));
        as(ACME_ADMIN).get("/cases?limit=0").then().statusCode(400);
        as(ACME_ADMIN).get("/cases?after=%%%").then().statusCode(400);
        // a case number, or any text that is not a search cursor, is not taken as one (it had given the first page)
        as(ACME_ADMIN).get("/cases?after=00100001").then().statusCode(400)
                .body("detail", containsString("not a cursor"));
        as(ACME_ADMIN).get("/cases?after=" + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("0010x001".getBytes(java.nio.charset.StandardCharsets.UTF_8))).then().statusCode(400);
        // parameters JAX-RS cannot convert are the request's fault (it would answer 404)
        as(ACME_ADMIN).get("/cases?limit=abc").then().statusCode(400).contentType("application/problem+json")
                .body("type", org.hamcrest.Matchers.endsWith("/invalid-input"));
        as(ACME_ADMIN).get("/cases?status=SOLVED").then().statusCode(400)
                .body("detail", containsString("SOLVED is none of NEW, OPEN, PENDING_CUSTOMER"));
        // the support team a case is routed to is not the customer's to see, through a filter either
        as(ACME_ADMIN).get("/cases?team=sso").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("team"));
        as(LEAD_LU).get("/cases?team=sso").then().statusCode(200);
        // no such resource: still 404, with the title of every other 404
        as(ACME_ADMIN).get("/nothing-here").then().statusCode(404).body("title", equalTo("Not found"));
        as(ACME_ADMIN).get("/cases/99999999").then().statusCode(404).body("title", equalTo("Not found"));
        // a field the operation does not know (here misspelled) is refused, not dropped
        as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"s","description":"d","productArea":"SSO",
                 "priority":"P1","contactPreference":"EMAIL","contact":["admin-bo"]}
                """).post("/cases").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", containsString("\"contact\""));
        // NUL, which PostgreSQL stores in no text, in a body, in the path or in a query
        as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"SAML\\u0000login","description":"d",
                 "productArea":"SSO","priority":"P1","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("at 'subject'")).body("detail", containsString("NUL"));
        // half an emoji, which no UTF-8 text holds
        as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"SAML \\ud83d login","description":"d",
                 "productArea":"SSO","priority":"P1","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("at 'subject'")).body("detail", containsString("surrogate"));
        // nothing converted: a priority by number (Jackson took 1 as the second constant, P2) or by its number as
        // text; nothing after the body; no field twice (the last won)
        for (String body : List.of(
                "{\"orgUrl\":\"https://acme.okta.com\",\"subject\":\"s\",\"description\":\"d\",\"productArea\":\"SSO\","
                        + "\"priority\":1,\"contactPreference\":\"EMAIL\"}",
                "{\"orgUrl\":\"https://acme.okta.com\",\"subject\":\"s\",\"description\":\"d\",\"productArea\":\"SSO\","
                        + "\"priority\":\"1\",\"contactPreference\":\"EMAIL\"}",
                "{\"orgUrl\":\"https://acme.okta.com\",\"subject\":\"s\",\"description\":\"d\",\"productArea\":\"SSO\","
                        + "\"priority\":\"P1\",\"contactPreference\":\"EMAIL\"} and more",
                "{\"orgUrl\":\"https://acme.okta.com\",\"subject\":\"s\",\"description\":\"d\",\"productArea\":\"SSO\","
                        + "\"priority\":\"P4\",\"priority\":\"P1\",\"contactPreference\":\"EMAIL\"}")) {
            as(ACME_ADMIN).body(body).post("/cases").then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/malformed-body"));
        }
        given().auth().oauth2(ACME_ADMIN).urlEncodingEnabled(false).get("/cases/%00").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("NUL"));
        given().auth().oauth2(ACME_ADMIN).urlEncodingEnabled(false).get("/cases?q=a%00b").then().statusCode(400)
                .contentType("application/problem+json");
        assertThat(openedCases()).isEqualTo(casesBefore);
    }

    /**
     * Who a case is for is named exactly: a customer opens for its own org as itself; support names the org and the
     * admin. Every refusal comes before a case number is drawn, so the numbers run on without a gap.
     */
    @Test
    void anOpeningNamesItsOrgAndOpenerExactlyAndARefusedOneDrawsNoNumber() {
        String body = """
                {%s"orgUrl":"https://acme.okta.com","subject":"s","description":"d","productArea":"SSO",
                 "priority":"P3","contactPreference":"EMAIL"}""";
        long before = Long.parseLong(openAcmeCase("P3"));
        long opened = openedCases();
        as(ACME_ADMIN).body(body.formatted("\"orgId\":\"\",")).post("/cases").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("orgId"));
        as(ACME_ADMIN).body(body.formatted("\"openedBy\":\"admin-bo\",")).post("/cases").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("openedBy"));
        as(ACME_ADMIN).body(body.formatted("\"orgId\":\"org-globex\",")).post("/cases").then().statusCode(403);
        as(TSE_TOM).body(body.formatted("\"openedBy\":\"admin-bo\",")).post("/cases").then().statusCode(400)
                .body("detail", containsString("orgId"));
        as(TSE_TOM).body(body.formatted("\"orgId\":\"org-acme\",")).post("/cases").then().statusCode(400)
                .body("detail", containsString("openedBy"));
        as(TSE_TOM).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\" \",")).post("/cases").then()
                .statusCode(400).body("detail", containsString("openedBy"));
        // support names no opener or contact of itself (it is no admin of the org; it would consent for itself)
        as(TSE_TOM).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\"tse-tom\",")).post("/cases")
                .then().statusCode(400).body("errors.field", equalTo(List.of("openedBy")));
        as(TSE_TOM).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\"admin-bo\",\"contacts\":"
                + "[\"tse-tom\"],")).post("/cases").then().statusCode(400)
                .body("errors.field", equalTo(List.of("contacts")));
        as(AUDITOR).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\"admin-bo\","))
                .post("/cases").then().statusCode(403);
        assertThat(openedCases()).isEqualTo(opened);

        String own = as(ACME_ADMIN).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\"admin-ada\","))
                .post("/cases").then().statusCode(201).extract().path("caseNumber");
        String onBehalf = as(TSE_TOM).body(body.formatted("\"orgId\":\"org-acme\",\"openedBy\":\"admin-bo\","))
                .post("/cases").then().statusCode(201).extract().path("caseNumber");
        assertThat(List.of(own, onBehalf)).containsExactly("%08d".formatted(before + 1), "%08d".formatted(before + 2));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> {
            as(ACME_ADMIN).get("/cases/" + own).then().statusCode(200).body("openedBy", equalTo("admin-ada"))
                    .body("orgId", equalTo(ACME));
            as(ACME_CONTACT).get("/cases/" + onBehalf).then().statusCode(200).body("openedBy", equalTo("admin-bo"))
                    .body("orgId", equalTo(ACME));
        });
    }

    /**
     * An address with characters a URI must encode left raw (as curl sends a value typed with quotes) is refused by
     * the HTTP server itself (400), before any of ours sees it; encoded, the same search is answered.
     */
    @Test
    void anAddressWithRawCharactersAURIMustEncodeIs400() throws Exception {
        for (String raw : List.of("\"", "{", "|", "\\", "^", "`", "<")) {
            assertThat(RawHttp.get(RestAssured.port, "/cases?q=a" + raw + "b", "Bearer " + ACME_ADMIN).status())
                    .as(raw).isEqualTo(400);
        }
        as(ACME_ADMIN).get("/cases?q=%22saml%22").then().statusCode(200);
    }

    /**
     * A file is internal with internal=true, shared with internal=false or none; any other value, or the flag given
     * twice, is refused.
     */
    @Test
    void anUploadsInternalFlagIsTrueOrFalse() {
        String caseNumber = visible(openAssignedCase("P3"));
        for (String value : List.of("yes", "1", "TRUE", "false&internal=true", "true&internal=false")) {
            given().auth().oauth2(TSE_TOM).contentType("text/plain").body("trace").post("/cases/" + caseNumber
                    + "/attachments?fileName=trace.har&internal=" + value).then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("internal"));
        }
        // a name given twice names no one file
        given().auth().oauth2(TSE_TOM).contentType("text/plain").body("trace").post("/cases/" + caseNumber
                + "/attachments?fileName=trace.har&fileName=notes.txt").then().statusCode(400)
                .body("detail", containsString("fileName: given more than once"));
        assertThat(jdbc.query("SELECT 1 FROM attachment_content WHERE case_number = ?", row -> 1, caseNumber))
                .isEmpty();
    }

    /**
     * A knowledge article's link reaches the customer: only an https URL is taken, and the customer's case shows
     * that something changed (its updatedAt moves, as with a reply).
     */
    @Test
    void knowledgeArticleLinksMustBeHttps() {
        String caseNumber = visible(openAssignedCase("P3"));
        long eventsBefore = storedEvents(caseNumber);
        String updatedAt = as(ACME_ADMIN).get("/cases/" + caseNumber).then().statusCode(200).extract()
                .path("updatedAt");
        as(TSE_TOM).body("{\"articleId\":\"KB-1\",\"url\":\"javascript:alert(1)\"}")
                .post("/cases/" + caseNumber + "/knowledge-articles").then().statusCode(400)
                .body("errors.field", hasItem("url"));
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
        int linked = as(TSE_TOM).body("{\"articleId\":\"KB-1\",\"url\":\"https://support.okta.com/kb/KB-1\"}")
                .post("/cases/" + caseNumber + "/knowledge-articles").then().statusCode(200).extract()
                .path("version");
        assertThat(storedEvents(caseNumber, "%KnowledgeArticleLinked")).isEqualTo(1);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .body("version", equalTo(linked)));
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().body("updatedAt", not(equalTo(updatedAt)));
    }

    /** An optional text given blank is refused, naming it: kept, it was shown as if something were said. */
    @Test
    void optionalTextGivenBlankIs400AndStoresNothing() {
        String caseNumber = visible(openAssignedCase("P3"));
        long eventsBefore = storedEvents(caseNumber);
        String base = "/cases/" + caseNumber;
        Map<String, String> blank = new LinkedHashMap<>();
        blank.put("/priority", "{\"priority\":\"P1\",\"reason\":\"\"}");
        blank.put("/resolution", "{\"summary\":\"Fixed\",\"knowledgeArticleId\":\"\"}");
        blank.put("/knowledge-articles", "{\"articleId\":\"KB-1\",\"title\":\"  \"}");
        blank.put("/remote-session-offers", "{\"joinUrl\":\"https://meet.example/x\",\"note\":\"\\n\"}");
        blank.put("/consultations", "{\"party\":\"TEAM_LEAD\",\"consultant\":\"\",\"notes\":\"n\"}");
        Map<String, String> field = Map.of("/priority", "reason", "/resolution", "knowledgeArticleId",
                "/knowledge-articles", "title", "/remote-session-offers", "note", "/consultations", "consultant");
        blank.forEach((path, body) -> as(TSE_TOM).body(body).post(base + path).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", equalTo(List.of(field.get(path)))));
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
        // left out, each is taken
        as(TSE_TOM).body("{\"priority\":\"P1\"}").post(base + "/priority").then().statusCode(200);
        as(TSE_TOM).body("{\"articleId\":\"KB-1\"}").post(base + "/knowledge-articles").then().statusCode(200);
    }

    @Test
    void illegalTransitionIs409AndStoresNothing() {
        String caseNumber = openAssignedCase("P2");
        long eventsBefore = storedEvents(caseNumber);
        as(ACME_ADMIN).post("/cases/" + caseNumber + "/resolution/confirmation")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/illegal-transition"))
                .body("detail", containsString("no proposed resolution"));
        as(ACME_ADMIN).body("{\"reason\":\"again\"}").post("/cases/" + caseNumber + "/reopen").then().statusCode(409);
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
    }

    @Test
    void unknownCaseIs404() {
        as(LEAD_LU).body("{\"assignee\":\"tse-tom\"}").post("/cases/99999999/assignment").then().statusCode(404)
                .contentType("application/problem+json");
        as(LEAD_LU).get("/cases/99999999").then().statusCode(404);
    }

    // --- idempotency ---------------------------------------------------------------------------------------

    @Test
    void repeatedIdempotencyKeyReturnsTheFirstAnswerAndRunsTheCommandOnce() {
        String caseNumber = openAssignedCase("P3");
        Response first = as(ACME_ADMIN).header("Idempotency-Key", "reply-" + caseNumber)
                .body("{\"body\":\"once\"}").post("/cases/" + caseNumber + "/replies");
        first.then().statusCode(200);
        Response second = as(ACME_ADMIN).header("Idempotency-Key", "reply-" + caseNumber)
                .body("{\"body\":\"once\"}").post("/cases/" + caseNumber + "/replies");
        second.then().statusCode(200).header("Idempotent-Replayed", "true");

        assertThat(second.jsonPath().getString("itemId")).isEqualTo(first.jsonPath().getString("itemId"));
        assertThat(second.jsonPath().getLong("version")).isEqualTo(first.jsonPath().getLong("version"));
        assertThat(jdbc.query("SELECT 1 FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE ?",
                row -> 1, caseNumber, "%ReplyPosted")).hasSize(1);

        as(ACME_ADMIN).header("Idempotency-Key", "reply-" + caseNumber).body("{\"body\":\"something else\"}")
                .post("/cases/" + caseNumber + "/replies").then().statusCode(422)
                .body("type", equalTo("https://casetrail.io/problems/idempotency-key-reused"));
    }

    @Test
    void idempotentOpenReturnsTheSameCase() {
        String body = """
                {"orgUrl":"https://acme.okta.com","subject":"Once only","description":"d","productArea":"MFA",
                 "priority":"P4","contactPreference":"PHONE"}
                """;
        String first = as(ACME_ADMIN).header("Idempotency-Key", "open-once-1").body(body).post("/cases")
                .then().statusCode(201).extract().path("caseNumber");
        String again = as(ACME_ADMIN).header("Idempotency-Key", "open-once-1").body(body).post("/cases")
                .then().statusCode(201).header("Location", containsString("/cases/" + first))
                .extract().path("caseNumber");
        assertThat(again).isEqualTo(first);
        // whatever host the client names (it is the request's, before the path the answer keeps)
        String longHost = "h".repeat(2100) + ".example";
        String hosted = as(ACME_ADMIN).header("Host", longHost).header("Idempotency-Key", "open-once-2").body(body)
                .post("/cases").then().statusCode(201).header("Location", startsWith("http://" + longHost + "/cases/"))
                .extract().path("caseNumber");
        as(ACME_ADMIN).header("Idempotency-Key", "open-once-2").body(body).post("/cases").then().statusCode(201)
                .header("Location", endsWith("/cases/" + hosted)).header("Location", not(containsString(longHost)))
                .body("caseNumber", equalTo(hosted));
    }

    /**
     * A command in a transaction of its caller's holds its case until that transaction commits: a command on the
     * same case from another transaction waits, then acts on the case as the first left it. (Axon's own lock let the
     * case go when the first command's work ended: the second read the case without the first's event, and its
     * append collided with it on commit.)
     */
    @Test
    void aCommandWaitsForItsCaseUntilTheTransactionHoldingItCommits() throws Exception {
        String caseNumber = openAssignedCase("P3");
        var tom = new Caller("tse-tom", "Tom", Set.of(Roles.SUPPORT_ENGINEER), null, Set.of("sso"));
        var other = Executors.newSingleThreadExecutor(task -> new Thread(task, "second-command"));
        try {
            QuarkusTransaction.begin();
            commands.sendAndWait(new PostInternalNote(caseNumber, "note-1", "first", tom));
            var second = other.submit(() -> QuarkusTransaction.requiringNew().run(() ->
                    commands.sendAndWait(new PostInternalNote(caseNumber, "note-2", "second", tom))));
            // seen waiting for the case's lock, not merely not done yet (which a command not started is too)
            await().atMost(PROJECTION_WAIT).until(() -> Thread.getAllStackTraces().entrySet().stream()
                    .anyMatch(thread -> thread.getKey().getName().equals("second-command")
                            && thread.getKey().getState() != Thread.State.RUNNABLE
                            && java.util.Arrays.stream(thread.getValue())
                            .anyMatch(frame -> frame.getMethodName().equals("obtainLock"))));
            assertThat(second).isNotDone();
            QuarkusTransaction.commit();
            second.get(20, TimeUnit.SECONDS);
        } finally {
            if (QuarkusTransaction.isActive()) {
                QuarkusTransaction.rollback();
            }
            other.shutdownNow();
        }
        assertThat(storedEvents(caseNumber, "%InternalNotePosted")).isEqualTo(2);
    }

    /**
     * Commands on one case at the same moment, each with an Idempotency-Key (so each in a transaction of its
     * request's), and uploads: each command holds the case until its request's transaction commits, and every one is
     * answered 200 and stored once.
     */
    @Test
    void concurrentIdempotentCommandsOnOneCaseAllSucceed() throws Exception {
        String caseNumber = openAssignedCase("P3");
        // 16 clients at once on one case (as many as the test database has connections)
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            List<java.util.concurrent.Future<Integer>> answers = new java.util.ArrayList<>();
            for (int i = 0; i < 64; i++) {
                String key = "race-" + caseNumber + "-" + i;
                String body = "{\"body\":\"update " + i + "\"}";
                answers.add(pool.submit(() -> as(TSE_TOM).header("Idempotency-Key", key).body(body)
                        .post("/cases/" + caseNumber + "/internal-notes").statusCode()));
            }
            for (var answer : answers) {
                assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
            }
            // and uploads, whose writes run in a transaction of their own once the body is read
            List<java.util.concurrent.Future<Integer>> uploads = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String name = "trace-" + i + ".txt";
                uploads.add(pool.submit(() -> given().auth().oauth2(TSE_TOM).contentType("text/plain")
                        .body("trace " + name).post("/cases/" + caseNumber + "/attachments?fileName=" + name
                                + "&internal=true").statusCode()));
            }
            for (var answer : uploads) {
                assertThat(answer.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(201);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(storedEvents(caseNumber, "%InternalNotePosted")).isEqualTo(64);
        assertThat(storedEvents(caseNumber, "%AttachmentAdded")).isEqualTo(12);
    }

    /**
     * A command may name the version of the case it acts on, as its last answer gave it (If-Match): at another
     * version, the case changed meanwhile, and the command is refused (409 stale-version) and changes nothing.
     */
    @Test
    void aCommandNamingAnOlderVersionOfTheCaseIsRefusedAndChangesNothing() {
        String caseNumber = openAssignedCase("P3");
        String replies = "/cases/" + caseNumber + "/replies";
        long seen = as(TSE_TOM).body("{\"body\":\"Looking into it\"}").post(replies).then().statusCode(200)
                .extract().jsonPath().getLong("version");
        long now = as(TSE_TOM).header("If-Match", "\"" + seen + "\"").body("{\"body\":\"Found it\"}").post(replies)
                .then().statusCode(200).extract().jsonPath().getLong("version");
        assertThat(now).isGreaterThan(seen);
        long stored = storedEvents(caseNumber);

        as(ACME_ADMIN).header("If-Match", "\"" + seen + "\"").body("{\"body\":\"Thanks\"}").post(replies).then()
                .statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/stale-version"))
                .body("detail", containsString("since version " + seen))
                .body("detail", not(containsString(String.valueOf(now))));
        // one who may not act on the case is refused as such, whatever version it names: it learns none
        for (String version : List.of("0", String.valueOf(now), "999999999")) {
            as(GLOBEX_ADMIN).header("If-Match", "\"" + version + "\"").body("{\"body\":\"hi\"}").post(replies)
                    .then().statusCode(403);
            as(TSE_TIA).header("If-Match", "\"" + version + "\"").body("{\"body\":\"hi\"}").post(replies)
                    .then().statusCode(403);
        }
        as(ACME_ADMIN).header("If-Match", "\"" + (now + 1) + "\"").body("{\"body\":\"Thanks\"}").post(replies)
                .then().statusCode(409);
        as(ACME_ADMIN).header("If-Match", "yesterday").body("{\"body\":\"Thanks\"}").post(replies).then()
                .statusCode(400).body("detail", containsString("If-Match"));
        assertThat(storedEvents(caseNumber)).isEqualTo(stored);

        as(ACME_ADMIN).header("If-Match", "\"" + now + "\"").body("{\"body\":\"Thanks\"}").post(replies).then()
                .statusCode(200).body("version", equalTo((int) now + 1));
        as(ACME_ADMIN).header("If-Match", "*").body("{\"body\":\"One more thing\"}").post(replies).then()
                .statusCode(200);
    }

    /** The version a case was opened at, and the one its view shows once it caught up, are ones If-Match takes. */
    @Test
    void theVersionsOfAnOpeningAndOfTheCaseViewAreTakenByIfMatch() {
        String opened = as(ACME_ADMIN).body("""
                {"orgUrl":"https://acme.okta.com","subject":"SAML login fails","description":"400 from IdP",
                 "productArea":"SSO","priority":"P3","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(201).extract().asString();
        String caseNumber = io.restassured.path.json.JsonPath.from(opened).getString("caseNumber");
        long version = io.restassured.path.json.JsonPath.from(opened).getLong("version");
        long assigned = as(LEAD_LU).header("If-Match", "\"" + version + "\"").body("{\"assignee\":\"tse-tom\"}")
                .post("/cases/" + caseNumber + "/assignment").then().statusCode(200).extract().jsonPath()
                .getLong("version");
        // an internal note shows nowhere in the view but in its version
        long noted = as(TSE_TOM).header("If-Match", "\"" + assigned + "\"").body("{\"body\":\"Checked the IdP\"}")
                .post("/cases/" + caseNumber + "/internal-notes").then().statusCode(200).extract().jsonPath()
                .getLong("version");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .statusCode(200).body("version", equalTo((int) noted)));
        // not to the customer: it moves with what the customer does not see, as the internal note here
        as(ACME_ADMIN).get("/cases/" + caseNumber).then().statusCode(200).body("$", not(hasKey("version")));
        as(TSE_TOM).header("If-Match", "\"" + noted + "\"").body("{\"body\":\"Fixed\"}")
                .post("/cases/" + caseNumber + "/replies").then().statusCode(200);
    }

    /** Case numbers are eight digits and never drawn twice, however many cases are opened at once. */
    @Test
    void caseNumbersOpenedAtOnceAreEightDigitsAndAllDifferent() throws Exception {
        var executor = java.util.concurrent.Executors.newFixedThreadPool(20);
        try {
            List<java.util.concurrent.Future<String>> opened = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                opened.add(executor.submit(() -> openAcmeCase("P4")));
            }
            List<String> numbers = new java.util.ArrayList<>();
            for (var number : opened) {
                numbers.add(number.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(numbers).hasSize(40).allMatch(number -> number.matches("[0-9]{8}")).doesNotHaveDuplicates();
        } finally {
            executor.shutdownNow();
        }
    }

    // --- uploads ---------------------------------------------------------------------------------------------

    @Test
    void uploadIsStoredWithItsChecksumAndSize() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        byte[] content = "GET /sso/saml HTTP/1.1 400\n".repeat(10).getBytes(StandardCharsets.UTF_8);
        String location = given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body(content)
                .post("/cases/" + caseNumber + "/attachments?fileName=idp.log")
                .then().statusCode(201).extract().header("Location");

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber)
                .then().statusCode(200));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        byte[] downloaded = given().auth().oauth2(TSE_TOM).get(location).then().statusCode(200)
                .header("X-Content-SHA256", sha).extract().asByteArray();
        assertThat(downloaded).isEqualTo(content);
        String event = jdbc.queryOne("SELECT payload FROM domainevententry WHERE aggregateidentifier = ?"
                        + " AND payloadtype LIKE ?", row -> new String(row.getBytes(1), StandardCharsets.UTF_8),
                caseNumber, "%AttachmentAdded").orElseThrow();
        assertThat(event).contains("\"sha256\":\"" + sha + "\"").contains("\"sizeBytes\":" + content.length);
    }

    /**
     * A client that sends the file's SHA-256 (RFC 9530 Content-Digest or Repr-Digest) has it checked: a file that
     * changed on its way is refused and nothing is stored. A stored file that no longer matches its SHA-256 is not
     * served as if it did.
     */
    @Test
    void aFileIsCheckedAgainstTheDigestItWasSentWithAndServedOnlyAsReceived() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        byte[] content = "trace line 1\n".getBytes(StandardCharsets.UTF_8);
        String base64 = java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(content));
        String other = java.util.Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest("trace line 2\n".getBytes(StandardCharsets.UTF_8)));
        String path = "/cases/" + caseNumber + "/attachments?fileName=trace.txt";
        given().auth().oauth2(ACME_ADMIN).header("Content-Digest", "sha-512=:AAAA:, sha-256=:" + other + ":")
                .contentType("text/plain").body(content).post(path).then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("it changed on its way"));
        given().auth().oauth2(ACME_ADMIN).header("Repr-Digest", "sha-256=" + base64).contentType("text/plain")
                .body(content).post(path).then().statusCode(400)
                .body("detail", containsString("Repr-Digest: sha-256=:"));
        // every sha-256 member counts, the file's right one first or not: a later wrong or malformed one refuses it
        given().auth().oauth2(ACME_ADMIN).header("Content-Digest", "sha-256=:" + base64 + ":")
                .header("Repr-Digest", "sha-256=:" + other + ":").contentType("text/plain").body(content).post(path)
                .then().statusCode(400).body("detail", containsString("the sha-256 values sent differ"));
        given().auth().oauth2(ACME_ADMIN).header("Content-Digest", "sha-256=:" + base64 + ":, sha-256=:" + other
                        + ":").contentType("text/plain").body(content).post(path).then().statusCode(400);
        given().auth().oauth2(ACME_ADMIN).header("Content-Digest", "sha-256=:" + base64 + ":")
                .header("Repr-Digest", "sha-256=:not-base64:").contentType("text/plain").body(content).post(path)
                .then().statusCode(400).body("detail", containsString("Repr-Digest: sha-256=:"));
        assertThat(storedEvents(caseNumber, "%AttachmentAdded")).isZero();
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM attachment_content WHERE case_number = ?",
                row -> row.getLong(1), caseNumber)).contains(0L);

        String location = given().auth().oauth2(ACME_ADMIN).header("Content-Digest", "sha-256=:" + base64 + ":")
                .contentType("text/plain").body(content).post(path).then().statusCode(201).extract()
                .header("Location");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> given().auth().oauth2(TSE_TOM).get(location).then()
                .statusCode(200).header("Repr-Digest", "sha-256=:" + base64 + ":"));
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE attachment_content SET content = ?"
                + " WHERE case_number = ?", "trace line 2\n".getBytes(StandardCharsets.UTF_8), caseNumber));
        given().auth().oauth2(TSE_TOM).get(location).then().statusCode(500);
    }

    @Test
    void anUploadRetriedWithItsKeyIsStoredOnceAndTheKeyWithOtherBytesIsRefused() {
        String caseNumber = visible(openAssignedCase("P3"));
        String key = "upload-" + caseNumber;
        byte[] content = "trace line 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] other = "trace line 2\n".getBytes(StandardCharsets.UTF_8); // same name, type and length
        String path = "/cases/" + caseNumber + "/attachments?fileName=trace.txt&internal=false";

        Response first = given().auth().oauth2(ACME_ADMIN).header("Idempotency-Key", key).contentType("text/plain")
                .body(content).post(path);
        first.then().statusCode(201);
        given().auth().oauth2(ACME_ADMIN).header("Idempotency-Key", key).contentType("text/plain").body(content)
                .post(path).then().statusCode(201).header("Idempotent-Replayed", "true")
                .header("Location", first.header("Location"));
        // the same bytes sent in chunks, without a declared length: the same request
        given().auth().oauth2(ACME_ADMIN).header("Idempotency-Key", key).contentType("text/plain")
                .body(new java.io.ByteArrayInputStream(content)).post(path).then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        // its parameters in another order, through another name of the host: the same request
        given().auth().oauth2(ACME_ADMIN).header("Idempotency-Key", key).header("Host", "127.0.0.1:" + RestAssured.port)
                .contentType("text/plain").body(content).post("/cases/" + caseNumber
                        + "/attachments?internal=false&fileName=trace.txt").then().statusCode(201)
                .header("Idempotent-Replayed", "true");
        given().auth().oauth2(ACME_ADMIN).header("Idempotency-Key", key).contentType("text/plain").body(other)
                .post(path).then().statusCode(422).contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/idempotency-key-reused"));

        assertThat(storedEvents(caseNumber, "%AttachmentAdded")).isEqualTo(1);
    }

    /**
     * An upload whose body is still arriving holds no database connection and no transaction: more slow uploads than
     * the pool has connections (16 on H2, 24 on PostgreSQL) leave the service answering, and each is stored once its
     * last byte has come, with an Idempotency-Key or without.
     */
    @Test
    void slowUploadsHoldNoDatabaseConnection() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        int uploads = 30;
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < uploads; i++) {
                sockets.add(startUpload(caseNumber, ACME_ADMIN, "slow-" + i + ".txt",
                        i % 2 == 0 ? "slow-" + caseNumber + "-" + i : null));
            }
            awaitUploadsReading(uploads); // each was checked against its case and waits for its body's last byte
            as(TSE_TOM).body("{\"body\":\"Got the first part\"}").post("/cases/" + caseNumber + "/replies").then()
                    .statusCode(200);
            as(TSE_TOM).get("/cases/" + caseNumber).then().statusCode(200);
            for (Socket socket : sockets) {
                assertThat(finishUpload(socket)).isEqualTo("HTTP/1.1 201 Created");
            }
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        assertThat(storedEvents(caseNumber, "%AttachmentAdded")).isEqualTo(uploads);
        assertThat(jdbc.query("SELECT content FROM attachment_content WHERE case_number = ?", row -> new String(
                row.getBytes(1), StandardCharsets.US_ASCII), caseNumber)).hasSize(uploads).containsOnly("xy");
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM idempotency_record WHERE idem_key LIKE ?",
                row -> row.getLong(1), "slow-" + caseNumber + "-%").orElseThrow()).isEqualTo(uploads / 2);
    }

    /**
     * The case closes while a file's body arrives: the upload, checked before its body, is refused once it has it,
     * and neither the file nor its event nor its key is kept.
     */
    @Test
    void anUploadWhoseCaseClosedWhileItsBodyArrivedIsRefusedAndKeepsNothing() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        try (Socket upload = startUpload(caseNumber, ACME_ADMIN, "late.txt", "late-" + caseNumber)) {
            awaitUploadsReading(1);
            as(TSE_TOM).body("{\"summary\":\"done\"}").post("/cases/" + caseNumber + "/resolution").then()
                    .statusCode(200);
            as(ACME_ADMIN).post("/cases/" + caseNumber + "/resolution/confirmation").then().statusCode(200)
                    .body("status", equalTo("CLOSED"));
            assertThat(finishUpload(upload)).isEqualTo("HTTP/1.1 409 Conflict");
        }
        assertThat(storedEvents(caseNumber, "%AttachmentAdded")).isZero();
        assertThat(jdbc.query("SELECT 1 FROM attachment_content WHERE case_number = ?", row -> 1, caseNumber))
                .isEmpty();
        assertThat(jdbc.query("SELECT 1 FROM idempotency_record WHERE idem_key = ?", row -> 1, "late-" + caseNumber))
                .isEmpty();
    }

    /** An upload of two bytes of which one is sent: it waits for the other (a key sent when given). */
    private static Socket startUpload(String caseNumber, String token, String fileName, String key)
            throws java.io.IOException {
        Socket socket = new Socket("localhost", RestAssured.port);
        socket.setSoTimeout(60_000);
        socket.getOutputStream().write(("POST /cases/" + caseNumber + "/attachments?fileName=" + fileName
                + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token + "\r\nContent-Type: text/plain\r\n"
                + (key == null ? "" : "Idempotency-Key: " + key + "\r\n") + "Content-Length: 2\r\n\r\nx")
                .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }

    /** Sends an upload's last byte; the answer's status line. */
    private static String finishUpload(Socket socket) throws java.io.IOException {
        socket.getOutputStream().write('y');
        socket.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
    }

    /** Waits until {@code uploads} uploads, their case checked, are reading their bodies. */
    private static void awaitUploadsReading(int uploads) {
        await().atMost(PROJECTION_WAIT).until(() -> Thread.getAllStackTraces().values().stream()
                .filter(stack -> java.util.Arrays.stream(stack).anyMatch(frame -> frame.getMethodName()
                        .equals("readNBytes")) && java.util.Arrays.stream(stack).anyMatch(frame -> frame
                        .getClassName().startsWith(AttachmentResource.class.getName())))
                .count() == uploads);
    }

    /** A file from the customer answers a request for information: the case is OPEN again, in the queue too. */
    @Test
    void aCustomersUploadAnswersARequestForInformation() {
        String caseNumber = visible(openAssignedCase("P3"));
        as(TSE_TOM).body("{\"body\":\"Please send a HAR file\"}").post("/cases/" + caseNumber
                + "/information-requests").then().statusCode(200).body("status", equalTo("PENDING_CUSTOMER"));
        given().auth().oauth2(ACME_ADMIN).contentType("application/json").body("{\"log\":{}}")
                .post("/cases/" + caseNumber + "/attachments?fileName=app.har")
                .then().statusCode(201).body("status", equalTo("OPEN"));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber)
                .then().statusCode(200).body("status", equalTo("OPEN")));
    }

    /**
     * The customer answers a request for information on the phone: support records the call, the case is OPEN again
     * and the customer reads the call on its timeline. A call with someone who is not an admin of the case, a claimed
     * answer where nothing was asked, or a call by someone not working the case changes nothing.
     */
    @Test
    void aPhoneCallRecordedBySupportAnswersARequestForInformation() {
        String caseNumber = visible(openAssignedCase("P3"));
        as(TSE_TOM).body("{\"body\":\"Which app fails?\"}").post("/cases/" + caseNumber
                + "/information-requests").then().statusCode(200).body("status", equalTo("PENDING_CUSTOMER"));
        String path = "/cases/" + caseNumber + "/phone-calls";
        long eventsBefore = storedEvents(caseNumber);
        as(TSE_TOM).body("{\"contactId\":\"admin-cy\",\"summary\":\"HR portal\",\"customerAnswered\":true}")
                .post(path).then().statusCode(400).contentType("application/problem+json");
        as(TSE_TOM).body("{\"contactId\":\"admin-ada\",\"summary\":\" \"}").post(path).then().statusCode(400);
        as(TSE_TIA).body("{\"contactId\":\"admin-ada\",\"summary\":\"HR portal\",\"customerAnswered\":true}")
                .post(path).then().statusCode(403);
        as(ACME_ADMIN).body("{\"contactId\":\"admin-ada\",\"summary\":\"HR portal\"}").post(path).then()
                .statusCode(403);
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);

        as(TSE_TOM).body("{\"contactId\":\"admin-bo\",\"summary\":\"Bo will ask Ada\"}").post(path).then()
                .statusCode(200).body("status", equalTo("PENDING_CUSTOMER"));
        as(TSE_TOM).body("{\"contactId\":\"admin-ada\",\"summary\":\"Ada: the HR portal fails\","
                + "\"customerAnswered\":true}").post(path).then().statusCode(200).body("status", equalTo("OPEN"));
        as(TSE_TOM).body("{\"contactId\":\"admin-ada\",\"summary\":\"Again\",\"customerAnswered\":true}")
                .post(path).then().statusCode(409).body("type", endsWith("nothing-requested"));
        assertThat(storedEvents(caseNumber, "%PhoneCallRecorded")).isEqualTo(2);

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline")
                .then().statusCode(200)
                .body("findAll { it.type == 'io.casetrail.case.phone-call-recorded.v1' }.summary", equalTo(List.of(
                        "Phone call with admin-bo, recorded by Tom",
                        "Phone call with admin-ada, recorded by Tom; the requested information was given"))));
        as(TSE_TOM).get("/cases/" + caseNumber).then().statusCode(200).body("status", equalTo("OPEN"))
                .body("sla.paused", equalTo(false)).body("sla.target", equalTo("UPDATE_INTERVAL"));
    }

    /** Names with control characters and types that are no media type are refused; downloads name files safely. */
    @Test
    void uploadNamesAndTypesAreCheckedAndDownloadsNameTheFileSafely() {
        String caseNumber = visible(openAssignedCase("P3"));
        long eventsBefore = storedEvents(caseNumber);
        given().auth().oauth2(ACME_ADMIN).urlEncodingEnabled(false).contentType("text/plain").body("x")
                .post("/cases/" + caseNumber + "/attachments?fileName=a%0D%0AX-Injected:%20yes.txt")
                .then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body("x")
                .queryParam("fileName", "invoice\u202Etxt.exe").post("/cases/" + caseNumber + "/attachments")
                .then().statusCode(400).contentType("application/problem+json");
        // a path a download tool would walk, on any system
        for (String path : List.of("..\\..\\startup.bat", "..", ".", "a/b.txt")) {
            given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body("x").queryParam("fileName", path)
                    .post("/cases/" + caseNumber + "/attachments").then().statusCode(400)
                    .body("detail", containsString("fileName"));
        }
        given().auth().oauth2(ACME_ADMIN).contentType("text/*").body("x")
                .post("/cases/" + caseNumber + "/attachments?fileName=a.txt")
                .then().statusCode(400).contentType("application/problem+json");
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);

        String location = given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body("notes")
                .queryParam("fileName", "na\u00efve \"r\u00e9sum\u00e9\" 100%.txt")
                .post("/cases/" + caseNumber + "/attachments")
                .then().statusCode(201).extract().header("Location");
        given().auth().oauth2(TSE_TOM).get(location).then().statusCode(200)
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Disposition", "attachment; filename=\"na_ve _r_sum__ 100_.txt\";"
                        + " filename*=UTF-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22%20100%25.txt");
    }

    @Test
    void uploadAboveTheLimitIsRefusedAndStoresNothing() {
        String caseNumber = visible(openAssignedCase("P3"));
        long eventsBefore = storedEvents(caseNumber);
        given().auth().oauth2(ACME_ADMIN).contentType("application/octet-stream").body(new byte[4097])
                .post("/cases/" + caseNumber + "/attachments?fileName=big.bin")
                .then().statusCode(413).contentType("application/problem+json");
        // sent in chunks, with no length declared to refuse it by: the limit holds as the body is read
        given().auth().oauth2(ACME_ADMIN).contentType("application/octet-stream")
                .body(new java.io.ByteArrayInputStream(new byte[4097]))
                .post("/cases/" + caseNumber + "/attachments?fileName=big.bin")
                .then().statusCode(413).contentType("application/problem+json");
        assertThat(storedEvents(caseNumber)).isEqualTo(eventsBefore);
        assertThat(jdbc.query("SELECT 1 FROM attachment_content WHERE case_number = ?", row -> 1, caseNumber))
                .isEmpty();
    }

    @Test
    void customersCannotDownloadInternalFiles() {
        String caseNumber = visible(openAssignedCase("P3"));
        String location = given().auth().oauth2(TSE_TOM).contentType("text/plain").body("trace")
                .post("/cases/" + caseNumber + "/attachments?fileName=trace.txt&internal=true")
                .then().statusCode(201).extract().header("Location");
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().statusCode(200));
        given().auth().oauth2(ACME_ADMIN).get(location).then().statusCode(403);
        given().auth().oauth2(TSE_TOM).get(location).then().statusCode(200);
        // nor, public or not, do another org's customers, or support not working the case
        String shared = given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body("screenshot")
                .post("/cases/" + caseNumber + "/attachments?fileName=shot.txt").then().statusCode(201).extract()
                .header("Location");
        given().auth().oauth2(ACME_ADMIN).get(shared).then().statusCode(200);
        given().auth().oauth2(GLOBEX_ADMIN).get(shared).then().statusCode(403);
        given().auth().oauth2(TSE_TIA).get(shared).then().statusCode(403);
    }

    /**
     * A file uploaded the moment its case is opened is taken: the case decides who may upload, not the case's view,
     * which follows moments later (here held back: another transaction holds the case views' progress).
     */
    @Test
    void aFileUploadedTheMomentItsCaseIsOpenedIsTaken() throws Exception {
        String caseNumber;
        try (HeldRows progress = HeldRows.hold(dataSource, "SELECT processorname FROM tokenentry"
                + " WHERE processorname = ? FOR UPDATE", CaseViewProjection.GROUP)) {
            caseNumber = openAcmeCase("P3");
            given().auth().oauth2(ACME_ADMIN).contentType("text/plain").body("har").post("/cases/" + caseNumber
                    + "/attachments?fileName=login.har").then().statusCode(201);
            // a stranger is refused all the same, by the case
            given().auth().oauth2(GLOBEX_ADMIN).contentType("text/plain").body("x").post("/cases/" + caseNumber
                    + "/attachments?fileName=x.txt").then().statusCode(403)
                    .body("detail", containsString("another org"));
            assertThat(jdbc.queryOne("SELECT COUNT(*) FROM case_view WHERE case_number = ?", row -> row.getLong(1),
                    caseNumber)).contains(0L);
        }
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline")
                .then().statusCode(200).body("summary", hasItem(containsString("login.har"))));
    }

    // --- time: SLA breach and reopen windows ------------------------------------------------------------------

    /**
     * A deadline fires as a command runs: the case first, then the deadline's row. A command that holds the case and
     * cancels the case's SLA deadlines, as a reply does, while the due deadline waits for the case, is not kept
     * waiting for the deadline's row (the poller had deleted the row first and then waited for the case: each
     * waited for the other until the poller gave up). The firing, its entry gone from under its claim, is rolled
     * back: a deadline cancelled (or fired by another instance's claim, which deletes it alike) while its firing
     * waited does not fire (a real command that cancels it moves the clock in the same transaction, and records an
     * overdue breach itself).
     */
    @Test
    void aDeadlineFiringWhileACommandHoldsTheCaseLetsTheCommandChangeItsDeadlines() throws Exception {
        String caseNumber = openAcmeCase("P1");
        whileTheFirstResponseDeadlineWaitsForTheCase(caseNumber, () -> {
            // the command cancels the case's deadlines
            var cancelled = java.util.concurrent.CompletableFuture.supplyAsync(() -> jdbc.update(
                    "DELETE FROM deadline_entry WHERE scope_id = ? AND deadline_name = 'sla'", caseNumber));
            assertThat(cancelled.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        });
        // the case let go, the firing finds its entry gone and is rolled back: no breach of its own
        await().atMost(PROJECTION_WAIT).until(() -> !aDeadlineFires());
        assertThat(storedEvents(caseNumber, "%SlaBreached")).isZero();
        assertThat(jdbc.query("SELECT id FROM deadline_entry WHERE scope_id = ? AND deadline_name = 'sla'",
                row -> row.getString(1), caseNumber)).isEmpty();
    }

    /**
     * A firing that waited for the case longer than its claim, while another poll claimed the deadline again, is
     * rolled back: the deadline is fired once, by the claim that holds it.
     */
    @Test
    void aDeadlineClaimedAgainWhileItFiredIsRolledBackAndFiredOnce() throws Exception {
        String caseNumber = openAcmeCase("P1");
        whileTheFirstResponseDeadlineWaitsForTheCase(caseNumber, () -> {
            // the poller's claim times out as it waits, and another instance claims the deadline for an hour
            assertThat(jdbc.update("UPDATE deadline_entry SET claimed_until = ?, claimed_by = 'another-instance',"
                    + " attempts = attempts + 1 WHERE scope_id = ? AND deadline_name = 'sla'",
                    Jdbc.utc(clock.instant().plus(Duration.ofHours(1))), caseNumber)).isEqualTo(1);
        });
        // the first firing ran its handler, found the claim gone and was rolled back: no breach, the row stays
        await().atMost(PROJECTION_WAIT).until(() -> !aDeadlineFires());
        assertThat(storedEvents(caseNumber, "%SlaBreached")).isZero();
        assertThat(jdbc.query("SELECT claimed_by FROM deadline_entry WHERE scope_id = ? AND deadline_name = 'sla'",
                row -> row.getString(1), caseNumber)).containsExactly("another-instance");
        // the other instance never fires it (it died); once its claim times out, this one fires it, once
        clock.advance(Duration.ofHours(1).plusSeconds(1));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> assertThat(storedEvents(caseNumber, "%SlaBreached"))
                .isEqualTo(1));
        assertThat(jdbc.query("SELECT id FROM deadline_entry WHERE scope_id = ? AND deadline_name = 'sla'",
                row -> row.getString(1), caseNumber)).isEmpty();
    }

    /**
     * Holds the case as a command handler does, lets its first response (P1: 1 h) fall overdue, and runs
     * {@code meanwhile} once the poller has claimed the deadline and its firing waits for the case; then lets go.
     */
    @SuppressWarnings("unchecked")
    private void whileTheFirstResponseDeadlineWaitsForTheCase(String caseNumber, Meanwhile meanwhile)
            throws Exception {
        var repository = (org.axonframework.modelling.command.Repository<SupportCase>) axon.configuration()
                .repository(SupportCase.class);
        var command = org.axonframework.messaging.unitofwork.DefaultUnitOfWork.startAndGet(
                org.axonframework.commandhandling.GenericCommandMessage.asCommandMessage("hold the case"));
        try {
            repository.load(caseNumber); // the case's lock, as a command handler holds it
            clock.advance(Duration.ofHours(2));
            await().atMost(PROJECTION_WAIT).until(() -> Thread.getAllStackTraces().values().stream()
                    .anyMatch(stack -> firing(stack) && java.util.Arrays.stream(stack)
                            .anyMatch(frame -> frame.getMethodName().equals("obtainLock"))));
            meanwhile.run();
        } finally {
            command.rollback();
        }
    }

    @FunctionalInterface
    private interface Meanwhile {
        void run() throws Exception;
    }

    private static boolean aDeadlineFires() {
        return Thread.getAllStackTraces().values().stream().anyMatch(CaseApiTest::firing);
    }

    private static boolean firing(StackTraceElement[] stack) {
        return java.util.Arrays.stream(stack).anyMatch(frame -> frame.getClassName().endsWith("JdbcDeadlineManager")
                && frame.getMethodName().equals("fire"));
    }

    @Test
    void slaBreachIsRaisedForADeadlineThatFellDueWhileDeadlinesWereNotFiring() throws Exception {
        Instant before = clock.instant();
        String caseNumber = openAcmeCase("P1");
        Instant after = clock.instant();
        List<String> deadlines = jdbc.query("SELECT id FROM deadline_entry WHERE scope_id = ?",
                row -> row.getString(1), caseNumber);
        // another transaction holds the case's deadlines; the first-response target (P1: 1 h) passes, and the
        // poller, finding it due, waits for it and fires nothing
        try (HeldRows held = HeldRows.hold(dataSource, "SELECT id FROM deadline_entry WHERE scope_id = ? FOR UPDATE",
                caseNumber)) {
            clock.advance(Duration.ofHours(2));
            LockWaits.awaitWaiter(dataSource, "UPDATE deadline_entry SET claimed_until", PROJECTION_WAIT);
            assertThat(storedEvents(caseNumber, "%SlaBreached")).isZero();
        }
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> assertThat(storedEvents(caseNumber, "%SlaBreached"))
                .isEqualTo(1));
        // no request caused it: its correlation id is the deadline's, on the topic too
        ConsumerRecord<String, byte[]> breach = TopicReader.readUntil(Topics.CASE, read -> read.stream().anyMatch(r ->
                caseNumber.equals(r.key()) && "io.casetrail.case.sla-breached.v1".equals(header(r, "ce_type"))),
                PROJECTION_WAIT).stream().filter(r -> caseNumber.equals(r.key())
                && "io.casetrail.case.sla-breached.v1".equals(header(r, "ce_type"))).findFirst().orElseThrow();
        assertThat(deadlines).contains(header(breach, "ce_correlationid"));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber)
                .then().statusCode(200).body("sla.breached", equalTo(true))
                .body("sla.target", equalTo("FIRST_RESPONSE")));
        Instant dueAt = Instant.parse(as(LEAD_LU).get("/cases/" + caseNumber).then().extract().path("sla.dueAt"));
        assertThat(dueAt).isBetween(before.plus(Duration.ofHours(1)), after.plus(Duration.ofHours(1)));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(LEAD_LU).get("/cases/" + caseNumber + "/timeline")
                .then().body("summary", hasItem("SLA first response breached (due " + dueAt + ")")));
    }

    /** A rejection that comes after the auto-close time, the deadline not fired yet, finds the case closed. */
    @Test
    void aRejectionAfterTheAutoCloseTimeFindsTheCaseClosedAutomatically() {
        String caseNumber = visible(openAssignedCase("P3"));
        as(TSE_TOM).body("{\"summary\":\"Renewed the certificate\"}").post("/cases/" + caseNumber + "/resolution")
                .then().statusCode(200);
        Instant autoCloseAt = jdbc.queryOne("SELECT trigger_at FROM deadline_entry WHERE scope_id = ?",
                row -> Jdbc.instant(row, "trigger_at"), caseNumber).orElseThrow();
        // the auto-close deadline does not fire: another instance has claimed it and not fired it yet
        assertThat(jdbc.update("UPDATE deadline_entry SET claimed_until = ?, claimed_by = 'another-instance'"
                + " WHERE scope_id = ?", Jdbc.utc(clock.instant().plus(Duration.ofDays(365))), caseNumber))
                .isEqualTo(1);
        clock.advance(Duration.ofDays(8));
        as(ACME_ADMIN).body("{\"reason\":\"Still failing\"}").post("/cases/" + caseNumber + "/resolution/rejection")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/closed"))
                .body("title", equalTo("Not allowed in the current state"))
                .body("detail", containsString("closed automatically"));
        // and the closure took it away
        assertThat(jdbc.query("SELECT id FROM deadline_entry WHERE scope_id = ?", row -> row.getString(1),
                caseNumber)).isEmpty();
        assertThat(storedEvents(caseNumber, "%CaseClosed")).isEqualTo(1);
        assertThat(storedEvents(caseNumber, "%ResolutionRejected")).isZero();
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber).then()
                .statusCode(200).body("status", equalTo("CLOSED")));
        // closed at its auto-close time, a day before the answer that found it due: the reopen window counts from it
        assertThat(Instant.parse(as(ACME_ADMIN).get("/cases/" + caseNumber).then().extract().<String>path(
                "closedAt"))).isEqualTo(autoCloseAt);
    }

    @Test
    void reopenAfter21DaysOpensALinkedFollowUpCase() {
        String caseNumber = closedCase();
        clock.advance(Duration.ofDays(22));
        // a reopen refused for a stale If-Match opens nothing and draws no case number
        String before = openAcmeCase("P3");
        as(ACME_ADMIN).header("If-Match", "\"1\"").body("{\"reason\":\"It is back\"}")
                .post("/cases/" + caseNumber + "/reopen").then().statusCode(409)
                .body("type", equalTo("https://casetrail.io/problems/stale-version"));
        var answer = as(ACME_ADMIN).body("{\"reason\":\"It is back\"}").post("/cases/" + caseNumber + "/reopen");
        String followUp = answer.then().statusCode(201).body("status", equalTo("CLOSED"))
                .extract().path("followUpCase");
        assertThat(followUp).isNotNull().isNotEqualTo(caseNumber);
        assertThat(Long.parseLong(followUp)).isEqualTo(Long.parseLong(before) + 1);
        assertThat(answer.header("Location")).endsWith("/cases/" + followUp);

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + followUp)
                .then().statusCode(200)
                .body("followUpOf", equalTo(caseNumber))
                .body("status", equalTo("NEW"))
                .body("productArea", equalTo("SSO"))
                .body("contacts", hasItem("admin-bo")));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber)
                .then().body("followUpCase", equalTo(followUp)).body("status", equalTo("CLOSED")));
        // linked both ways on the timelines the customer reads too
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber + "/timeline")
                .then().statusCode(200).body("findAll { it.type == 'io.casetrail.case.follow-up-opened.v1' }.summary",
                        contains("Closed more than 21 days ago: follow-up case " + followUp
                                + " opened at the request of Ada Admin")));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + followUp + "/timeline")
                .then().statusCode(200).body("findAll { it.type == 'io.casetrail.case.opened.v1' }.summary",
                        contains("Follow-up of case " + caseNumber + " opened by Ada Admin: Follow-up to "
                                + caseNumber + ": SAML login fails")));
    }

    @Test
    void reopenWithin21DaysReopensTheCase() {
        String caseNumber = closedCase();
        clock.advance(Duration.ofDays(20));
        // the customer's decision: the engineer who worked it and its team's lead are refused
        as(TSE_TOM).body("{\"reason\":\"It is back\"}").post("/cases/" + caseNumber + "/reopen")
                .then().statusCode(403);
        as(LEAD_LU).body("{\"reason\":\"It is back\"}").post("/cases/" + caseNumber + "/reopen")
                .then().statusCode(403);
        as(ACME_ADMIN).body("{\"reason\":\"It is back\"}").post("/cases/" + caseNumber + "/reopen")
                .then().statusCode(200).body("status", equalTo("OPEN")).body("followUpCase", nullValue());
    }

    // --- queues --------------------------------------------------------------------------------------------

    @Test
    void teamQueueIsSortedByPriorityThenTimeToBreachThenAgeAndPaged() {
        String p3First = openCase("LIFECYCLE_MANAGEMENT", "P3");
        String p1 = openCase("LIFECYCLE_MANAGEMENT", "P1");
        String p3Second = openCase("LIFECYCLE_MANAGEMENT", "P3");
        String p2 = openCase("LIFECYCLE_MANAGEMENT", "P2");

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(LEAD_LU)
                .get("/queues/teams/lifecycle/unassigned?limit=200").then().statusCode(200)
                .body("caseNumber", hasItems(p3First, p1, p3Second, p2)));
        List<String> order = as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?limit=200").then().extract()
                .jsonPath().getList("caseNumber", String.class).stream()
                .filter(List.of(p3First, p1, p3Second, p2)::contains).toList();
        assertThat(order).containsExactly(p1, p2, p3First, p3Second);

        as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?priority=P3&limit=200").then()
                .body("priority", everyItem(equalTo("P3"))).body("caseNumber", hasItems(p3First, p3Second));
        // the status filter as on every queue: these are all NEW
        as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?status=NEW&limit=200").then()
                .body("caseNumber", hasItems(p3First, p1, p3Second, p2));
        as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?status=CLOSED&limit=200").then().statusCode(200)
                .body("$", hasSize(0));

        Response page1 = as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?limit=1");
        page1.then().statusCode(200).body("$", hasSize(1));
        List<String> links = page1.headers().getValues("Link");
        assertThat(links).anyMatch(l -> l.endsWith("rel=\"self\"") && l.startsWith("<http"));
        String next = links.stream().filter(l -> l.endsWith("rel=\"next\"")).findFirst().orElseThrow();
        String nextUrl = next.substring(1, next.indexOf('>'));
        as(LEAD_LU).get(nextUrl).then().statusCode(200).body("$", hasSize(1))
                .body("[0].caseNumber", not(equalTo(page1.jsonPath().getString("[0].caseNumber"))));
        // a later page keeps the first page's order, and shows its cases' time to breach as of when it is read
        clock.advance(Duration.ofMinutes(20));
        Response page2 = as(LEAD_LU).get(nextUrl);
        String second = page2.jsonPath().getString("[0].caseNumber");
        long shown = page2.jsonPath().getLong("[0].sla.timeToBreachSeconds");
        long readAfter = as(LEAD_LU).get("/cases/" + second).then().extract().jsonPath()
                .getLong("sla.timeToBreachSeconds");
        assertThat(shown).isBetween(readAfter, readAfter + 2); // whole seconds, read a moment apart (not 20 min)
        // page by page, the queue is the whole queue, in the same order
        List<String> whole = as(LEAD_LU).get("/queues/teams/lifecycle/unassigned?limit=200").then().extract()
                .jsonPath().getList("caseNumber", String.class);
        assertThat(Links.pages(() -> as(LEAD_LU), "/queues/teams/lifecycle/unassigned?limit=1", "caseNumber",
                String.class).stream().flatMap(List::stream).toList()).isEqualTo(whole);

        // a cursor this list did not hand out, with times no clock reaches, is bad input, not a server error
        String farQueue = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (Long.MAX_VALUE + "|1|1|1|1|00000001").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        as(LEAD_LU).queryParam("after", farQueue).get("/queues/teams/lifecycle/unassigned").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not a cursor"));
        String farTimeline = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                (Long.MAX_VALUE + ".0.1").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        as(LEAD_LU).queryParam("after", farTimeline).get("/cases/" + p1 + "/timeline").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("not a cursor"));
    }

    @Test
    void queuesAreFilteredByOrgAndProductArea() {
        String acmeSso = openAssignedCase("P3");
        String acmeLifecycle = openCase("LIFECYCLE_MANAGEMENT", "P3");
        String globexSso = as(GLOBEX_ADMIN).body("""
                {"orgUrl":"https://globex.okta.com","subject":"SAML","description":"d","productArea":"SSO",
                 "priority":"P3","contactPreference":"EMAIL"}
                """).post("/cases").then().statusCode(201).extract().path("caseNumber");
        for (String caseNumber : List.of(acmeLifecycle, globexSso)) {
            as(LEAD_LU).body("{\"assignee\":\"tse-tom\"}").post("/cases/" + caseNumber + "/assignment").then()
                    .statusCode(200);
        }
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(LEAD_LU).get("/queues/engineers/tse-tom?limit=200")
                .then().statusCode(200).body("caseNumber", hasItems(acmeSso, acmeLifecycle, globexSso)));

        as(LEAD_LU).get("/queues/engineers/tse-tom?orgId=" + GLOBEX + "&limit=200").then().statusCode(200)
                .body("orgId", everyItem(equalTo(GLOBEX))).body("caseNumber", hasItem(globexSso));
        as(LEAD_LU).get("/queues/engineers/tse-tom?productArea=LIFECYCLE_MANAGEMENT&limit=200").then()
                .body("productArea", everyItem(equalTo("LIFECYCLE_MANAGEMENT")))
                .body("caseNumber", hasItem(acmeLifecycle));
        as(TSE_TOM).get("/queues/mine?orgId=" + ACME + "&productArea=SSO&limit=200").then().statusCode(200)
                .body("orgId", everyItem(equalTo(ACME))).body("productArea", everyItem(equalTo("SSO")))
                .body("caseNumber", hasItem(acmeSso)).body("caseNumber", not(hasItem(globexSso)))
                .body("caseNumber", not(hasItem(acmeLifecycle)));
    }

    /** A case shows the time left before its SLA target is breached: it runs down, and stands while paused. */
    @Test
    void aCaseShowsItsTimeToBreachRunningDownAndStandingWhilePaused() {
        String caseNumber = visible(openAssignedCase("P2")); // first response within 4 h
        clock.advance(Duration.ofHours(1));
        Instant before = clock.instant();
        var sla = as(TSE_TOM).get("/cases/" + caseNumber).then().statusCode(200).extract().jsonPath();
        Instant after = clock.instant();
        Instant dueAt = Instant.parse(sla.getString("sla.dueAt"));
        assertThat(sla.getLong("sla.timeToBreachSeconds"))
                .isBetween(Duration.between(after, dueAt).toSeconds() - 1, Duration.between(before, dueAt).toSeconds())
                .isBetween(Duration.ofHours(3).toSeconds() - 60, Duration.ofHours(3).toSeconds());
        assertThat(sla.getBoolean("sla.paused")).isFalse();

        // asking the customer starts the 8 h update interval, paused while the case waits for the answer
        as(TSE_TOM).body("{\"body\":\"Which app?\"}").post("/cases/" + caseNumber + "/information-requests")
                .then().statusCode(200);
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .body("sla.paused", equalTo(true)).body("sla.target", equalTo("UPDATE_INTERVAL")));
        int left = as(TSE_TOM).get("/cases/" + caseNumber).then().extract().path("sla.timeToBreachSeconds");
        assertThat(left).isBetween(8 * 3600 - 1, 8 * 3600); // the interval, less the moment between start and pause
        clock.advance(Duration.ofHours(5));
        as(TSE_TOM).get("/cases/" + caseNumber).then().body("sla.paused", equalTo(true))
                .body("sla.timeToBreachSeconds", equalTo(left));
    }

    /** The customer rejects the proposed resolution: the case is OPEN again, and takes a new proposal. */
    @Test
    void aRejectedResolutionPutsTheCaseBackToOpen() {
        String caseNumber = visible(openAssignedCase("P3"));
        as(TSE_TOM).body("{\"summary\":\"Renewed the certificate\"}").post("/cases/" + caseNumber + "/resolution")
                .then().statusCode(200).body("status", equalTo("RESOLVED_PENDING_CONFIRMATION"));
        as(ACME_ADMIN).body("{\"reason\":\"Still failing\"}").post("/cases/" + caseNumber
                + "/resolution/rejection").then().statusCode(200).body("status", equalTo("OPEN"));
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(ACME_ADMIN).get("/cases/" + caseNumber).then()
                .statusCode(200).body("status", equalTo("OPEN")));
        // nothing left to confirm; a new proposal may be made
        as(ACME_ADMIN).post("/cases/" + caseNumber + "/resolution/confirmation").then().statusCode(409);
        as(TSE_TOM).body("{\"summary\":\"Rotated the signing key\"}").post("/cases/" + caseNumber
                + "/resolution").then().statusCode(200).body("status", equalTo("RESOLVED_PENDING_CONFIRMATION"));
    }

    @Test
    void engineerQueuePutsLessTimeToBreachBeforeAgeAndWaitingCasesAfterOpenOnes() {
        String quinn = TestPrincipals.MINT.token("tse-quinn").role("support-engineer").team("general").sign();
        String lead = TestPrincipals.MINT.token("lead-gil").role("team-lead").team("general").sign();
        String older = openCase("OTHER", "P3");
        as(lead).body("{\"assignee\":\"tse-quinn\"}").post("/cases/" + older + "/assignment").then().statusCode(200);
        // the older case got its first response: its update clock (24 h) now ends later than the younger's 8 h
        as(quinn).body("{\"body\":\"On it\"}").post("/cases/" + older + "/replies").then().statusCode(200);
        String younger = openCase("OTHER", "P3");
        as(lead).body("{\"assignee\":\"tse-quinn\"}").post("/cases/" + younger + "/assignment").then().statusCode(200);
        String waiting = openCase("OTHER", "P3");
        as(lead).body("{\"assignee\":\"tse-quinn\"}").post("/cases/" + waiting + "/assignment").then().statusCode(200);
        as(quinn).body("{\"body\":\"Which app?\"}").post("/cases/" + waiting + "/information-requests")
                .then().statusCode(200);

        await().atMost(PROJECTION_WAIT).untilAsserted(() -> {
            List<String> queue = as(quinn).get("/queues/mine").then().statusCode(200).extract().jsonPath()
                    .getList("caseNumber", String.class);
            assertThat(queue).containsExactly(younger, older, waiting);
        });
        as(quinn).get("/queues/mine").then().body("[2].status", equalTo("PENDING_CUSTOMER"))
                .body("[2].sla.paused", equalTo(true))
                .body("[0].sla.target", equalTo("FIRST_RESPONSE"))
                .body("[1].sla.target", equalTo("UPDATE_INTERVAL"));
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private String openCase(String productArea, String priority) {
        return as(ACME_ADMIN).body("""
                        {"orgUrl":"https://acme.okta.com","subject":"Provisioning stuck","description":"d",
                         "productArea":"%s","priority":"%s","contactPreference":"EMAIL"}
                        """.formatted(productArea, priority))
                .post("/cases").then().statusCode(201).extract().path("caseNumber");
    }

    /** Waits until the case's read model shows it assigned to Tom. */
    private String visible(String caseNumber) {
        await().atMost(PROJECTION_WAIT).untilAsserted(() -> as(TSE_TOM).get("/cases/" + caseNumber).then()
                .statusCode(200).body("assignee", equalTo("tse-tom")));
        return caseNumber;
    }

    @Test
    void uploadsOfStrangersAreRefusedBeforeTheBodyIsRead() throws Exception {
        String caseNumber = visible(openAssignedCase("P3"));
        for (String stranger : List.of(GLOBEX_ADMIN, TSE_TIA)) {
            // a body announced at 4,000 bytes of which one is sent: the refusal comes without waiting for the rest
            try (Socket socket = new Socket("localhost", RestAssured.port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream().write(("POST /cases/" + caseNumber + "/attachments?fileName=x.txt HTTP/1.1"
                        + "\r\nHost: localhost\r\nAuthorization: Bearer " + stranger + "\r\nContent-Type: text/plain"
                        + "\r\nContent-Length: 4000\r\n\r\nx").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                assertThat(new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine()).isEqualTo("HTTP/1.1 403 Forbidden");
            }
        }
        assertThat(jdbc.query("SELECT 1 FROM attachment_content WHERE case_number = ?", row -> 1, caseNumber))
                .isEmpty();
    }

    private String closedCase() {
        String caseNumber = openAssignedCase("P3");
        as(TSE_TOM).body("{\"summary\":\"done\"}").post("/cases/" + caseNumber + "/resolution")
                .then().statusCode(200);
        as(ACME_ADMIN).post("/cases/" + caseNumber + "/resolution/confirmation")
                .then().statusCode(200).body("status", equalTo("CLOSED"));
        return caseNumber;
    }

    /** Cases opened so far (deadlines of earlier tests may still append other events in the background). */
    private long openedCases() {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE payloadtype LIKE '%CaseOpened'",
                row -> row.getLong(1)).orElseThrow();
    }

    private long storedEvents(String caseNumber) {
        return storedEvents(caseNumber, "%");
    }

    private long storedEvents(String caseNumber, String payloadType) {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE ?", row -> row.getLong(1), caseNumber, payloadType).orElseThrow();
    }

    /** The request id in an event's stored metadata (Axon's JSON), read with a full JSON parser. */
    private static String requestId(byte[] metadata) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(metadata).path("requestId")
                    .asText(null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
