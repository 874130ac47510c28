package io.casetrail.logs.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasLength;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.Topics;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.InternalNotePosted;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.RequestOrigin;
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.platform.logging.RequestLogs;
import io.casetrail.platform.security.PemKeys;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.casetrail.testing.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.casetrail.logs.audit.ChainAudit;
import io.casetrail.logs.internal.Checkpoints;
import io.casetrail.logs.internal.InternalLog;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * The internal log over a real broker and database: every topic's events and the services' request logs land in
 * one hash chain that the database will not let anyone change; verification names the entry that was changed or
 * removed behind its back; the customer's view of it leaks nothing.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class InternalLogApiTest {

    /** The test profile's checkpoint cadence ({@code %test.casetrail.internal-log.checkpoint.every-entries}). */
    static final long EVERY = 10;

    static final TokenMinter MINT = TokenMinter.forTests();
    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String ORG = "org-int-" + RUN;
    static final String GLOBEX = "org-globex-" + RUN;
    static final String CASE = "8" + RUN.substring(Math.max(0, RUN.length() - 7));
    static final String AUDITOR = MINT.token("aud-al").role(Roles.AUDITOR).sign();
    static final String ENGINEER = MINT.token("eng-dev").role(Roles.ENGINEER).sign();
    static final String TIA = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).claim("email", "ada@int.example")
            .sign();
    static final String GIL = MINT.token("admin-gil").role(Roles.ORG_ADMIN).org(GLOBEX).sign();
    static final Actor SAM = new Actor("admin-sam", "Sam", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
    static final String SECRET = "Zq9" + UUID.randomUUID().toString().replace("-", "");
    static final String REQUEST = "req-" + RUN;
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();
    static boolean seeded;

    @Inject
    Jdbc jdbc;

    @Inject
    DataSource dataSource;

    @TestHTTPResource("/")
    java.net.URL service;

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token);
    }

    @BeforeEach
    void orgWithActivity() {
        if (seeded) {
            return;
        }
        seeded = true;
        TestEvents.publish(Topics.CASE, "case-service", CASE, 0, new CaseOpened(CASE, ORG, "https://int.okta.com",
                "SAML", "d", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of(), "sso",
                null, new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        for (int i = 0; i < 12; i++) {
            TestEvents.publish(Topics.ACCESS, "support-access-service", "grant-" + RUN, i, new SupportAccessGranted(ORG,
                    "g-" + i, GrantScope.CASE, CASE, List.of(CASE), Instant.now().plus(Duration.ofHours(8)),
                    RequestOrigin.NONE, SAM));
        }
        requestLog(ORG, REQUEST, "tse-tom", List.of(Roles.SUPPORT_ENGINEER),
                "GET /orgs/" + ORG + "/users?q=alice&access_token=" + SECRET + " 200 (12 ms)",
                Map.of("path", "/orgs/" + ORG + "/users", "query", "q=alice&access_token=" + SECRET,
                        "upstream", "db-1.prod.internal 10.0.3.17", "Authorization", "Bearer " + SECRET,
                        "note", "{\"Client_Secret\":\"" + SECRET + "\",\"also\":\"" + GLOBEX + "\"}",
                        "mail", "sent to alice@int.example and ada@int.example"));
        requestLog(ORG, "req-customer-" + RUN, "admin-ada", List.of(Roles.ORG_ADMIN), "GET /cases 200 (3 ms)",
                Map.of("path", "/cases"));
        // another org Casetrail knows, by a case of its own
        TestEvents.publish(Topics.CASE, "case-service", "9" + CASE.substring(1), 0, new CaseOpened("9"
                + CASE.substring(1), GLOBEX, "https://globex.okta.com", "MFA", "d", ProductArea.MFA, Priority.P3,
                ContactPreference.EMAIL, "admin-gil", List.of(), "mfa", null,
                new Actor("admin-gil", "Gil", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        requestLog(GLOBEX, "req-globex-" + RUN, "tse-tom", List.of(Roles.SUPPORT_ENGINEER),
                "GET /orgs/" + GLOBEX + "/users 200 (5 ms)", Map.of("path", "/orgs/" + GLOBEX + "/users"));
        // the 13 events and the two request logs seeded; each poll here is itself logged for the org (actor aud-al)
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(AUDITOR).queryParam("orgId", ORG)
                .queryParam("limit", 1000).get("/internal-logs").then().statusCode(200).extract().jsonPath()
                .getList("findAll { it.actor != 'aud-al' }.entryId")).hasSize(15));
    }

    static void requestLog(String org, String requestId, String principal, List<String> roles, String message,
                           Map<String, Object> attributes) {
        requestLog(Instant.now(), org, requestId, principal, roles, message, attributes);
    }

    static void requestLog(Instant at, String org, String requestId, String principal, List<String> roles,
                           String message, Map<String, Object> attributes) {
        requestLog("/casetrail/org-admin-service", at, org, requestId, principal, roles, message, attributes);
    }

    static void requestLog(String source, Instant at, String org, String requestId, String principal,
                           List<String> roles, String message, Map<String, Object> attributes) {
        Map<String, Object> all = new java.util.LinkedHashMap<>(attributes);
        all.put("principal", principal);
        all.put("roles", roles);
        try {
            byte[] data = JSON.writeValueAsBytes(Map.of("requestId", requestId, "orgId", org, "level", "INFO",
                    "message", message, "attributes", all));
            TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(UUID.randomUUID().toString(),
                    source, RequestLogs.TYPE, at, requestId, org, null, principal,
                    null, requestId, data)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // --- reading -------------------------------------------------------------------------------------------

    @Test
    void entriesByOrgRequestIdAndTypeInChainOrderPaged() {
        as(ENGINEER).queryParam("requestId", REQUEST).get("/internal-logs").then().statusCode(200)
                .body("kind", equalTo(List.of("REQUEST"))).body("[0].orgId", equalTo(ORG));
        as(AUDITOR).queryParam("orgId", ORG).queryParam("type", "io.casetrail.case.opened.v1").get("/internal-logs")
                .then().body("caseNumber", equalTo(List.of(CASE)));
        Response first = as(AUDITOR).queryParam("orgId", ORG).queryParam("limit", 5).get("/internal-logs");
        List<Long> seqs = first.jsonPath().getList("seq", Long.class);
        assertThat(seqs).hasSize(5).isSorted();
        String next = first.headers().getValues("Link").stream().filter(l -> l.endsWith("rel=\"next\"")).findFirst()
                .orElseThrow();
        List<Long> second = given().auth().oauth2(AUDITOR).urlEncodingEnabled(false)
                .get(next.substring(1, next.indexOf('>'))).jsonPath().getList("seq", Long.class);
        assertThat(second.get(0)).isGreaterThan(seqs.get(4));
    }

    /** A time range takes the entries that occurred from its start on and before its end. */
    @Test
    void entriesAreFoundByWhenTheyOccurredFromSinceToBeforeUntil() {
        String org = "org-window-" + RUN;
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        for (int hour = 0; hour < 3; hour++) {
            requestLog(t.plus(Duration.ofHours(hour)), org, "req-window-" + hour + "-" + RUN, "tse-tom",
                    List.of(Roles.SUPPORT_ENGINEER), "GET /cases 200 (1 ms)", Map.of("path", "/cases"));
        }
        java.util.function.Function<Map<String, String>, List<String>> window = range -> as(AUDITOR)
                .queryParam("orgId", org).queryParams(range).queryParam("limit", 1000).get("/internal-logs").then()
                .statusCode(200).extract().jsonPath().getList("requestId", String.class).stream()
                .filter(id -> id != null && id.startsWith("req-window-")).toList();
        await().atMost(WAIT).untilAsserted(() -> assertThat(window.apply(Map.of())).hasSize(3));
        assertThat(window.apply(Map.of("since", t.plus(Duration.ofHours(1)).toString(),
                "until", t.plus(Duration.ofHours(2)).toString()))).containsExactly("req-window-1-" + RUN);
        assertThat(window.apply(Map.of("since", t.plus(Duration.ofHours(1)).toString())))
                .containsExactly("req-window-1-" + RUN, "req-window-2-" + RUN);
        assertThat(window.apply(Map.of("until", t.plus(Duration.ofHours(1)).toString())))
                .containsExactly("req-window-0-" + RUN);
    }

    /** The checkpoints are paged like the entries: following next links one at a time reads each once, in order. */
    @Test
    void checkpointsArePagedInChainOrder() {
        // every request is logged: asking moves the chain on until it holds two checkpoints
        await().atMost(WAIT).until(() -> as(AUDITOR).get("/internal-logs/checkpoints").jsonPath()
                .getList("seq").size() >= 2);
        List<Long> stored = jdbc.query("SELECT seq FROM internal_log_checkpoint ORDER BY seq", row -> row.getLong(1));
        List<Long> walked = new ArrayList<>();
        String url = "/internal-logs/checkpoints?limit=1";
        while (url != null && walked.size() < stored.size()) {
            Response page = given().auth().oauth2(AUDITOR).urlEncodingEnabled(false).get(url);
            List<Long> seqs = page.then().statusCode(200).extract().jsonPath().getList("seq", Long.class);
            assertThat(seqs).hasSize(1);
            walked.addAll(seqs);
            url = page.headers().getValues("Link").stream().filter(l -> l.endsWith("rel=\"next\"")).findFirst()
                    .map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertThat(walked).containsExactlyElementsOf(stored);
    }

    @Test
    void everyRequestTheServiceAnswersIsInTheInternalLog() {
        String id = "req-own-" + RUN;
        as(ENGINEER).header(RequestLogs.HEADER, id).queryParam("orgId", ORG).queryParam("limit", 1)
                .get("/internal-logs").then().statusCode(200).header(RequestLogs.HEADER, id);
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs").then()
                .body("kind", equalTo(List.of("REQUEST"))).body("[0].actor", equalTo("eng-dev"))
                .body("[0].orgId", equalTo(ORG)).body("[0].source", equalTo("/casetrail/log-service")));
    }

    /**
     * A request whose credential the server refuses (a forged token) is answered before the request filters run:
     * it carries its id and is logged all the same, with no principal.
     */
    @Test
    void aRequestWithARefusedCredentialCarriesItsIdAndIsLogged() {
        String id = "req-forged-" + RUN;
        given().header("Authorization", "Bearer not.a.token").header(RequestLogs.HEADER, id).queryParam("orgId", ORG)
                .get("/internal-logs").then().statusCode(401).header(RequestLogs.HEADER, id);
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs").then()
                .body("kind", equalTo(List.of("REQUEST"))).body("[0].actor", nullValue())
                .body("[0].message", equalTo("GET /internal-logs 401")));
    }

    /**
     * A request for an address with NUL, refused, is logged like any other (its NUL shown as U+FFFD), and the log
     * goes on: PostgreSQL's text refuses NUL, and the entry had stopped the log for every entry behind it.
     */
    @Test
    void aRequestWithNulInItsAddressIsLoggedAndTheLogGoesOn() {
        String id = "req-nul-" + RUN;
        as(AUDITOR).header(RequestLogs.HEADER, id).urlEncodingEnabled(false).get("/internal-logs/%00").then()
                .statusCode(400);
        String after = "req-after-nul-" + RUN;
        as(AUDITOR).header(RequestLogs.HEADER, after).queryParam("orgId", ORG).queryParam("limit", 1)
                .get("/internal-logs").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", after).get("/internal-logs")
                .then().body("kind", equalTo(List.of("REQUEST"))));
        as(AUDITOR).queryParam("requestId", id).get("/internal-logs").then().body("kind", equalTo(List.of("REQUEST")))
                .body("[0].message", containsString("/internal-logs/\uFFFD 400"));
    }

    @Test
    void aCustomersRequestIsLoggedUnderItsOwnOrgWhateverItAskedFor() {
        String id = "req-gil-" + RUN;
        as(GIL).header(RequestLogs.HEADER, id).queryParam("orgId", ORG).get("/internal-logs").then().statusCode(403);
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs").then()
                .body("kind", equalTo(List.of("REQUEST"))).body("[0].orgId", equalTo(GLOBEX))
                .body("[0].actor", equalTo("admin-gil")));
    }

    /**
     * A request log names the org and case the caller's path named, whatever their length; the entry keeps them in
     * its message and leaves out what no org id or case number can be, and the log goes on.
     */
    @Test
    void aRequestLogNamingNoRealOrgOrCaseIsKeptAndTheLogGoesOn() {
        String id = "req-long-" + RUN;
        String longOrg = "org-" + "o".repeat(300);
        String longCase = "1".repeat(40);
        try {
            byte[] data = JSON.writeValueAsBytes(Map.of("requestId", id, "orgId", longOrg, "caseNumber", longCase,
                    "level", "NOTICE-THIS-LEVEL", "message", "GET /cases/" + longCase + " 404 (1 ms)",
                    "attributes", Map.of("path", "/cases/" + longCase)));
            TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent("x".repeat(100),
                    "/casetrail/case-service", RequestLogs.TYPE, Instant.now(), id, longOrg, longCase,
                    "a".repeat(300), null, id, data)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        requestLog(GLOBEX, "req-after-long-" + RUN, "tse-tom", List.of(Roles.SUPPORT_ENGINEER), "GET /after",
                Map.of());
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", "req-after-long-" + RUN)
                .get("/internal-logs").then().body("kind", equalTo(List.of("REQUEST"))));
        as(AUDITOR).queryParam("requestId", id).get("/internal-logs").then().statusCode(200)
                .body("kind", equalTo(List.of("REQUEST"))).body("[0].orgId", nullValue())
                .body("[0].caseNumber", nullValue()).body("[0].level", equalTo("INFO"))
                .body("[0].message", containsString(longCase)).body("[0].actor", hasLength(255));
        as(AUDITOR).get("/internal-logs/verify").then().statusCode(200).body("verified", equalTo(true));
    }

    /** The internal log keeps any event as it comes: a type this version does not know yet stops nothing here. */
    @Test
    void anEventOfATypeThisVersionDoesNotKnowIsKeptAsItCame() {
        String id = "future-" + RUN;
        TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(id, "/casetrail/case-service",
                "io.casetrail.log.metric.v9", Instant.now(), "s-1", ORG, null, "tse-tom", null, "c-" + RUN,
                "{\"note\":\"from a newer version\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("type", "io.casetrail.log.metric.v9")
                .queryParam("orgId", ORG).get("/internal-logs").then().statusCode(200)
                .body("entryId", equalTo(List.of(id))).body("[0].kind", equalTo("EVENT")));
    }

    /**
     * A record that can never be an event (its time is none, or one no database keeps) is passed over: the events
     * after it on its partition (the same key) are not held up behind it, and it leaves no entry. One whose value is
     * no JSON holds nothing up either, and is kept as it came (the internal log has what was on the topics).
     */
    @Test
    void recordsThatCanNeverBeEventsArePassedOverAndHoldNothingUp() {
        String subject = "s-bad-" + RUN;
        String timeless = "bad-time-" + RUN;
        String notJson = "bad-json-" + RUN;
        TopicReader.send(withTime(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(timeless,
                "/casetrail/case-service", "io.casetrail.log.metric.v1", null, subject, ORG, null, "tse-tom", null,
                "c-" + RUN, "{}".getBytes(StandardCharsets.UTF_8))), "yesterday"));
        List<String> outOfTime = List.of("bad-past-" + RUN, "bad-future-" + RUN);
        for (String time : List.of("-5000-01-01T00:00:00Z", "+1000000000-01-01T00:00:00Z")) {
            TopicReader.send(withTime(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(outOfTime.get(
                    time.startsWith("-") ? 0 : 1), "/casetrail/case-service", "io.casetrail.log.metric.v1", null,
                    subject, ORG, null, "tse-tom", null, "c-" + RUN, "{}".getBytes(StandardCharsets.UTF_8))), time));
        }
        TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(notJson, "/casetrail/case-service",
                "io.casetrail.log.metric.v1", Instant.now(), subject, ORG, null, "tse-tom", null, "c-" + RUN,
                "not json {".getBytes(StandardCharsets.UTF_8))));
        String after = "after-bad-" + RUN;
        TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(after, "/casetrail/case-service",
                "io.casetrail.log.metric.v1", Instant.now(), subject, ORG, null, "tse-tom", null, "c-" + RUN,
                "{\"note\":\"after two records that are none\"}".getBytes(StandardCharsets.UTF_8))));
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(AUDITOR).queryParam("type", "io.casetrail.log.metric.v1")
                .queryParam("orgId", ORG).queryParam("limit", 1000).get("/internal-logs").then().statusCode(200)
                .extract().jsonPath().getList("entryId", String.class)).contains(after, notJson)
                .doesNotContain(timeless).doesNotContainAnyElementsOf(outOfTime));
    }

    private static org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> withTime(
            org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record, String time) {
        record.headers().add(io.casetrail.events.CloudEventHeaders.TIME, time.getBytes(StandardCharsets.UTF_8));
        return record;
    }

    @Test
    void onlyEngineeringAuditorsAndSupportHoldingACaseRead() {
        as(ADA).get("/internal-logs").then().statusCode(403);
        as(TIA).queryParam("orgId", ORG).get("/internal-logs").then().statusCode(403);
        as(TIA).get("/internal-logs").then().statusCode(400);
        given().get("/internal-logs").then().statusCode(401);
        as(ADA).get("/internal-logs/verify").then().statusCode(403);
        // the chain's checks are Engineering's and the auditors', not support's or customers'
        for (String path : List.of("/internal-logs/verify", "/internal-logs/checkpoints",
                "/internal-logs/checkpoint-key")) {
            as(ADA).get(path).then().statusCode(403).contentType("application/problem+json");
            as(TIA).get(path).then().statusCode(403);
            given().get(path).then().statusCode(401);
        }
        as(AUDITOR).queryParam("limit", 0).get("/internal-logs").then().statusCode(400);
        as(AUDITOR).queryParam("since", "yesterday").get("/internal-logs").then().statusCode(400);
        // a time the database cannot compare is refused, not failed
        as(AUDITOR).queryParam("since", "-5000-01-01T00:00:00Z").get("/internal-logs").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("years 1 to 9999"));
        as(AUDITOR).queryParam("until", "+10000-01-01T00:00:00Z").get("/internal-logs").then().statusCode(400);
        // a window that holds no instant, as the System Log refuses it
        as(AUDITOR).queryParam("since", "2026-01-02T00:00:00Z").queryParam("until", "2026-01-01T00:00:00Z")
                .get("/internal-logs").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("since must be before until"));
        // entry numbers as /verify takes them; a cursor this service never wrote (its next number overflows)
        for (Map<String, Object> range : List.<Map<String, Object>>of(Map.of("from", -5), Map.of("to", 0),
                Map.of("from", 5, "to", 4))) {
            as(AUDITOR).queryParams(range).get("/internal-logs/checkpoints").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("entry numbers from 1"));
        }
        String overflowing = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                Long.toString(Long.MAX_VALUE).getBytes(StandardCharsets.UTF_8));
        as(AUDITOR).queryParam("after", overflowing).get("/internal-logs/checkpoints").then().statusCode(400);
        as(AUDITOR).queryParam("after", overflowing).get("/internal-logs").then().statusCode(400);
        // nothing past the chain's head is verified: there is nothing there to vouch for
        as(AUDITOR).queryParam("from", Long.MAX_VALUE / 2).get("/internal-logs/verify").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("past the chain's head"));
    }

    /**
     * Support reads the org's entries of no case and those of the cases it works: another engineer's case, and its
     * internal notes, stay with the people who work it (as in case-service).
     */
    @Test
    void supportReadsTheEntriesOfTheCasesItWorksNotOfOthers() {
        String org = "org-int-b-" + RUN;
        String tias = "7" + RUN.substring(Math.max(0, RUN.length() - 7));
        String toms = "6" + RUN.substring(Math.max(0, RUN.length() - 7));
        Actor lead = new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD);
        for (String[] c : new String[][] {{tias, "tse-tia"}, {toms, "tse-tom"}}) {
            TestEvents.publish(Topics.CASE, "case-service", c[0], 0, new CaseOpened(c[0], org, "https://b.okta.com",
                    "SAML", "d", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada", List.of(), "sso",
                    null, new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
            TestEvents.publish(Topics.CASE, "case-service", c[0], 1, new CaseAssigned(c[0], org, c[1], null,
                    CaseStatus.OPEN, lead));
            TestEvents.publish(Topics.CASE, "case-service", c[0], 2, new InternalNotePosted(c[0], org, "n-" + c[0],
                    "Note on " + c[0], new Actor(c[1], c[1], Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER)));
        }
        String request = "req-b-" + RUN;
        requestLog(org, request, "tse-tom", List.of(Roles.SUPPORT_ENGINEER), "GET /orgs/" + org + "/users 200 (4 ms)",
                Map.of("path", "/orgs/" + org + "/users"));
        String notes = "io.casetrail.case.internal-note-posted.v1";
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(AUDITOR).queryParam("orgId", org)
                .queryParam("type", notes).get("/internal-logs").then().statusCode(200).extract().jsonPath()
                .getList("caseNumber", String.class)).containsExactlyInAnyOrder(tias, toms));
        await().atMost(WAIT).untilAsserted(() -> as(TIA).queryParam("orgId", org).queryParam("type", notes)
                .get("/internal-logs").then().statusCode(200).body("caseNumber", equalTo(List.of(tias))));
        await().atMost(WAIT).untilAsserted(() -> as(TIA).queryParam("orgId", org).queryParam("requestId", request)
                .get("/internal-logs").then().statusCode(200).body("requestId", equalTo(List.of(request))));
    }

    /**
     * The lead who opened a case on the customer's behalf gets no right to the org's logs from it (security.md);
     * another lead of the case's team reads them.
     */
    @Test
    void theLeadWhoOpenedACaseOnTheCustomersBehalfReadsNoneOfTheOrgsLogsByIt() {
        String org = "org-int-c-" + RUN;
        String caseNumber = "5" + RUN.substring(Math.max(0, RUN.length() - 7));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 0, new CaseOpened(caseNumber, org,
                "https://c.okta.com", "SAML", "d", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL, "admin-ada",
                List.of(), "sso", null, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        String lea = MINT.token("lead-lea").role(Roles.TEAM_LEAD).team("sso").sign();
        await().atMost(WAIT).untilAsserted(() -> as(lea).queryParam("orgId", org).get("/internal-logs").then()
                .statusCode(200).body("caseNumber", hasItem(caseNumber)));
        String lu = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign();
        as(lu).queryParam("orgId", org).get("/internal-logs").then().statusCode(403)
                .contentType("application/problem+json");
        // nor does a lead of another team, or of none, or a manager of another team
        for (String outsider : List.of(MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign(),
                MINT.token("lead-nil").role(Roles.TEAM_LEAD).sign(),
                MINT.token("mgr-mo").role(Roles.SUPPORT_MANAGER).team("mfa").sign())) {
            as(outsider).queryParam("orgId", org).get("/internal-logs").then().statusCode(403);
        }
    }

    // --- append-only and tamper-evident ---------------------------------------------------------------------

    @Test
    void theDatabaseRefusesToChangeOrRemoveAnEntry() {
        long seq = seqOf(REQUEST);
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> jdbc.update(
                "UPDATE internal_log SET message = 'nothing happened' WHERE seq = ?", seq)))
                .hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> jdbc.update(
                "DELETE FROM internal_log WHERE seq = ?", seq))).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> jdbc.update(
                "DELETE FROM internal_log_checkpoint"))).hasStackTraceContaining("append-only");
        assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> jdbc.update(
                "UPDATE internal_log_checkpoint SET signature = 'x'"))).hasStackTraceContaining("append-only");
        if (jdbc.postgres()) { // H2 has no trigger on TRUNCATE (operations.md)
            for (String table : List.of("internal_log", "internal_log_checkpoint")) {
                assertThatThrownBy(() -> QuarkusTransaction.requiringNew().run(() -> jdbc.update("TRUNCATE " + table)))
                        .as(table).hasStackTraceContaining("append-only");
            }
        }
    }

    /**
     * A log-service that rewrote its chain would hide the checkpoints that give it away, or drop the entries after
     * them; the audit outside it refuses both: every tenth entry (the test's cadence) must have its checkpoint, and
     * no checkpoint may name an entry the log does not have.
     */
    @Test
    void theAuditRefusesAChainWhoseCheckpointsAreHiddenOrOutliveItsEntries() throws Exception {
        String key = Checkpoints.fingerprint(PemKeys.publicKey("casetrail-test-keys/checkpoint-public.pem"));
        await().atMost(WAIT).until(() -> as(AUDITOR).get("/internal-logs/checkpoints").jsonPath()
                .getList("seq", Long.class).stream().anyMatch(seq -> seq % EVERY == 0));
        long hidden = as(AUDITOR).get("/internal-logs/checkpoints").jsonPath().getList("seq", Long.class).stream()
                .filter(seq -> seq % EVERY == 0).findFirst().orElseThrow();
        List<Object> row = QuarkusTransaction.requiringNew().call(() -> jdbc.queryOne("SELECT seq, hash, signed_at,"
                + " key_id, signature FROM internal_log_checkpoint WHERE seq = ?", r -> java.util.Arrays.asList(
                r.getObject(1), r.getObject(2), r.getObject(3), r.getObject(4), r.getObject(5)), hidden)
                .orElseThrow());
        withoutGuards("DELETE FROM internal_log_checkpoint WHERE seq = " + hidden);
        try {
            ChainAudit.Result audit = audit(1000, key, null).run();
            assertThat(audit.verified()).isFalse();
            assertThat(audit.problem()).startsWith("entry " + hidden + " has no checkpoint, though one is signed every "
                    + EVERY + " entries");
            // and the service's own verification
            as(AUDITOR).get("/internal-logs/verify").then().statusCode(200).body("verified", equalTo(false))
                    .body("firstProblem.seq", equalTo((int) hidden)).body("firstProblem.problem", equalTo("entry "
                            + hidden + " has no checkpoint, though one is signed every " + EVERY + " entries"));
            // a cadence every one the log had divides: the operator's, after a change of cadence
            as(AUDITOR).queryParam("every", hidden * 1000).get("/internal-logs/verify").then()
                    .body("verified", equalTo(true));
            // and the audit given that cadence asks log-service to verify at it too: both agree
            ChainAudit.Result atCadence = new ChainAudit(service.toString(), AUDITOR, System.err, 1000, key,
                    hidden * 1000, null).run();
            assertThat(atCadence.verified()).isTrue();
            assertThat(atCadence.serviceVerified()).isTrue();
        } finally {
            QuarkusTransaction.requiringNew().run(() -> jdbc.update("INSERT INTO internal_log_checkpoint (seq, hash,"
                    + " signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)", row.toArray()));
        }
        assertThat(audit(1000, key, null).run().verified())
                .isTrue();

        long beyond = 1_000_000_000L; // past any entry of the test's log
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("INSERT INTO internal_log_checkpoint (seq, hash,"
                + " signed_at, key_id, signature) VALUES (?, ?, ?, ?, ?)", beyond, "0".repeat(64), row.get(2),
                row.get(3), row.get(4)));
        try {
            ChainAudit.Result audit = audit(1000, key, null).run();
            assertThat(audit.verified()).isFalse();
            assertThat(audit.problem()).startsWith("the checkpoint at entry " + beyond + " vouches for entries the log"
                    + " no longer has");
            as(AUDITOR).get("/internal-logs/verify").then().statusCode(200).body("verified", equalTo(false))
                    .body("firstProblem.seq", equalTo((int) beyond))
                    .body("firstProblem.problem", startsWith("the checkpoint at entry " + beyond + " vouches for"
                            + " entries the log no longer has"));
            // as does a range that reaches past the end: it is the whole chain's end too
            as(AUDITOR).queryParam("from", 1).queryParam("to", beyond * 2).get("/internal-logs/verify").then()
                    .statusCode(200).body("verified", equalTo(false)).body("firstProblem.seq", equalTo((int) beyond));
        } finally {
            withoutGuards("DELETE FROM internal_log_checkpoint WHERE seq = " + beyond);
        }
    }

    /**
     * What the log alone cannot show, its end cut off with its checkpoints, shows against the head an earlier
     * verification printed: it must still be there, unchanged.
     */
    @Test
    void anEndCutOffShowsAgainstTheHeadAnEarlierVerificationSaw() throws Exception {
        ChainAudit.Result earlier = audit(1000, null, null).run();
        assertThat(earlier.verified()).isTrue();
        ChainAudit.Expected head = ChainAudit.Expected.parse(earlier.head());
        assertThat(head.seq()).isEqualTo(earlier.entries());
        assertThat(audit(1000, null, head).run().verified()).isTrue();

        ChainAudit.Result rewritten = audit(1000, null, new ChainAudit.Expected(head.seq(), "0".repeat(64))).run();
        assertThat(rewritten.verified()).isFalse();
        assertThat(rewritten.problem()).isEqualTo("entry " + head.seq() + " is not the one verified before: its hash is "
                + head.hash() + ", not " + "0".repeat(64));
        // a log that ends before what was seen (here: seen further than the log goes)
        long seen = head.seq() + 1_000_000;
        ChainAudit.Result cut = audit(1000, null, new ChainAudit.Expected(seen, head.hash())).run();
        assertThat(cut.verified()).isFalse();
        assertThat(cut.problem()).startsWith("the log ends at entry ").endsWith(", before entry " + seen
                + ", which an earlier verification saw");
    }

    private ChainAudit audit(int pageSize, String pinnedKey, ChainAudit.Expected expected) {
        return new ChainAudit(service.toString(), AUDITOR, System.err, pageSize, pinnedKey, EVERY, expected);
    }

    @Test
    void verificationNamesAChangedEntryThenARemovedOne() throws Exception {
        as(AUDITOR).get("/internal-logs/verify").then().statusCode(200).body("verified", equalTo(true))
                .body("checkpoints", greaterThanOrEqualTo(1));
        long seq = seqOf(REQUEST);
        String original = jdbc.queryOne("SELECT message FROM internal_log WHERE seq = ?", row -> row.getString(1),
                seq).orElseThrow();

        ChainAudit.Result whole = new ChainAudit(service.toString(), AUDITOR, System.err).run();
        assertThat(whole.verified()).isTrue();
        assertThat(whole.serviceVerified()).isTrue();
        assertThat(whole.checkpoints()).isPositive();
        // five at a time: the audit follows the next links of the entries and of the checkpoints (over five;
        // every request is logged, so asking moves the chain on)
        await().atMost(WAIT).until(() -> as(AUDITOR).get("/internal-logs/checkpoints").jsonPath()
                .getList("seq").size() > 5);
        // pinned to the key log-service was configured with; any other key vouches for nothing
        String configured = Checkpoints.fingerprint(PemKeys.publicKey("casetrail-test-keys/checkpoint-public.pem"));
        ChainAudit.Result paged = audit(5, configured, null).run();
        assertThat(paged.verified()).isTrue();
        assertThat(paged.keyFingerprint()).isEqualTo(configured);
        String another = "0".repeat(64);
        ChainAudit.Result pinnedElsewhere = audit(5, another, null).run();
        assertThat(pinnedElsewhere.verified()).isFalse();
        assertThat(pinnedElsewhere.problem()).isEqualTo("log-service signs its checkpoints with key " + configured
                + ", not with the one given (" + another + ")");
        assertThat(paged.entries()).isGreaterThanOrEqualTo(whole.entries());
        assertThat(paged.checkpoints()).isGreaterThanOrEqualTo(whole.checkpoints()).isGreaterThan(5);

        withoutGuards("UPDATE internal_log SET message = 'GET /nothing 200' WHERE seq = " + seq);
        ChainAudit.Result outside = new ChainAudit(service.toString(), AUDITOR, System.err).run();
        assertThat(outside.verified()).isFalse();
        assertThat(outside.firstBadSeq()).isEqualTo(seq);
        assertThat(outside.serviceVerified()).isFalse();
        as(AUDITOR).get("/internal-logs/verify").then().body("verified", equalTo(false))
                .body("firstProblem.seq", equalTo((int) seq)).body("firstProblem.entryId", equalTo(entryId(seq)))
                .body("firstProblem.problem", equalTo("entry " + seq + " was changed: its content does not match its"
                        + " hash"));
        withoutGuards("UPDATE internal_log SET message = '" + original.replace("'", "''") + "' WHERE seq = " + seq);
        as(AUDITOR).get("/internal-logs/verify").then().body("verified", equalTo(true));

        Map<String, Object> row = QuarkusTransaction.requiringNew().call(() -> jdbc.queryOne(
                "SELECT * FROM internal_log WHERE seq = ?", r -> {
                    Map<String, Object> values = new java.util.LinkedHashMap<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        values.put(r.getMetaData().getColumnLabel(i).toLowerCase(), r.getObject(i));
                    }
                    return values;
                }, seq).orElseThrow());
        withoutGuards("DELETE FROM internal_log WHERE seq = " + seq);
        as(AUDITOR).get("/internal-logs/verify").then().body("verified", equalTo(false))
                .body("firstProblem.seq", equalTo((int) seq))
                .body("firstProblem.problem", equalTo("entry " + seq + " is missing"));
        // a range starting after the gap is tied to the chain by its predecessor, which is missing
        as(AUDITOR).queryParam("from", seq + 1).get("/internal-logs/verify").then().body("verified", equalTo(false))
                .body("firstProblem.seq", equalTo((int) seq))
                .body("firstProblem.problem", equalTo("entry " + seq + " is missing"));
        QuarkusTransaction.requiringNew().run(() -> jdbc.update("INSERT INTO internal_log (" + String.join(", ",
                row.keySet()) + ") VALUES (" + String.join(", ", row.keySet().stream().map(k -> "?").toList())
                + ")", row.values().toArray()));
        as(AUDITOR).queryParam("from", Math.max(1, seq - 5)).queryParam("to", seq + 5).get("/internal-logs/verify")
                .then().body("verified", equalTo(true)).body("entries", equalTo(11));
    }

    /**
     * Engineering reads the internal log, but not escalations' events nor cases': it sees an escalation once it
     * reached Engineering, in escalation-service, which decides that, and a case through its escalations. Auditors
     * read them.
     */
    @Test
    void engineeringDoesNotReadEscalationsNorCasesInTheInternalLog() {
        String id = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ESCALATION, new CloudEvent(id,
                "/casetrail/escalation-service", "io.casetrail.escalation.raised.v1", Instant.now(), "esc-" + id, ORG,
                CASE, "tse-tom", 0L, id,
                "{\"summary\":\"customer impact: all logins fail\"}".getBytes(StandardCharsets.UTF_8))));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs")
                .then().statusCode(200).body("entryId", equalTo(List.of(id))));
        as(ENGINEER).queryParam("requestId", id).get("/internal-logs").then().statusCode(200)
                .body("entryId", equalTo(List.of()));
        as(ENGINEER).queryParam("type", "io.casetrail.escalation.raised.v1").get("/internal-logs").then()
                .statusCode(200).body("entryId", equalTo(List.of()));
        // nor escalation-service's request logs, which tell who raised, approved or rejected which escalation
        String rejection = "req-esc-" + UUID.randomUUID();
        try {
            TopicReader.send(CloudEventRecords.toRecord(Topics.LOG, new CloudEvent(rejection,
                    "/casetrail/escalation-service", RequestLogs.TYPE, Instant.now(), rejection, null, CASE,
                    "lead-lu", null, rejection, JSON.writeValueAsBytes(Map.of("requestId", rejection, "level", "INFO",
                    "message", "POST /escalations/esc-1/rejection 200", "attributes", Map.of("principal",
                            "lead-lu"))))));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", rejection).get("/internal-logs")
                .then().statusCode(200).body("kind", equalTo(List.of("REQUEST"))));
        as(ENGINEER).queryParam("requestId", rejection).get("/internal-logs").then().statusCode(200)
                .body("entryId", equalTo(List.of()));
        // nor a case's own events: Engineering reads a case only through its escalations (case-service refuses
        // it cases), and those events hold the correspondence, the internal notes, the description
        String note = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.CASE, new CloudEvent(note, "/casetrail/case-service",
                "io.casetrail.case.internal-note-posted.v1", Instant.now(), CASE, ORG, CASE, "tse-tom", 7L, note,
                "{\"body\":\"the admin password is in the attached HAR\"}".getBytes(StandardCharsets.UTF_8))));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", note).get("/internal-logs")
                .then().statusCode(200).body("entryId", equalTo(List.of(note))));
        as(ENGINEER).queryParam("requestId", note).get("/internal-logs").then().statusCode(200)
                .body("entryId", equalTo(List.of()));
        // the rest of the log, as before
        as(ENGINEER).queryParam("requestId", REQUEST).get("/internal-logs").then().statusCode(200)
                .body("kind", equalTo(List.of("REQUEST")));
    }

    /**
     * A record whose value no service can read (no JSON) is still on the record of what was on the topics: its entry
     * keeps the value as it came.
     */
    @Test
    void aRecordNoServiceCanReadIsKeptAsItCame() {
        String id = UUID.randomUUID().toString();
        TopicReader.send(CloudEventRecords.toRecord(Topics.ESCALATION, new CloudEvent(id, "/casetrail/unknown",
                "io.casetrail.escalation.raised.v1", Instant.now(), "esc-" + RUN, ORG, null, "someone", 0L, id,
                "not json at all".getBytes(StandardCharsets.UTF_8))));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs")
                .then().statusCode(200).body("entryId", equalTo(List.of(id)))
                .body("[0].attributes", org.hamcrest.Matchers.containsString("\"data\":\"not json at all\"")));
    }

    /**
     * The chain head moved back over entries the log still has (its row is not append-only: every append moves it)
     * vouches for a prefix only; the verification goes past it and says so.
     */
    @Test
    void aHeadMovedBackOverEntriesTheLogHasIsReported() {
        long last = QuarkusTransaction.requiringNew().call(() -> {
            InternalLog.Head head = jdbc.queryOne("SELECT seq, hash FROM internal_log_head WHERE id = 1 FOR UPDATE",
                    row -> new InternalLog.Head(row.getLong(1), row.getString(2))).orElseThrow();
            String before = jdbc.queryOne("SELECT hash FROM internal_log WHERE seq = ?", row -> row.getString(1),
                    head.seq() - 1).orElseThrow();
            jdbc.update("UPDATE internal_log_head SET seq = ?, hash = ? WHERE id = 1", head.seq() - 1, before);
            return head.seq();
        });
        try {
            as(AUDITOR).get("/internal-logs/verify").then().statusCode(200).body("verified", equalTo(false))
                    .body("firstProblem.seq", equalTo((int) last))
                    .body("firstProblem.problem", equalTo("the chain head names entry " + (last - 1) + ", but the log"
                            + " goes on past it with entry " + last));
        } finally {
            // no entry joins while the head is back (the next one's number is taken), so the last is still last
            QuarkusTransaction.requiringNew().run(() -> jdbc.update("UPDATE internal_log_head SET seq = ?, hash ="
                    + " (SELECT hash FROM internal_log WHERE seq = ?) WHERE id = 1", last, last));
        }
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get("/internal-logs/verify").then()
                .body("verified", equalTo(true)));
    }

    @Test
    void aCheckpointWhoseSignatureIsNotTheKeysIsReported() throws Exception {
        long signed = await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT MIN(seq) FROM internal_log_checkpoint",
                row -> row.getLong(1)).orElse(0L), s -> s > 0);
        String signature = jdbc.queryOne("SELECT signature FROM internal_log_checkpoint WHERE seq = ?",
                row -> row.getString(1), signed).orElseThrow();
        String forged = (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1);
        withoutGuards("UPDATE internal_log_checkpoint SET signature = '" + forged + "' WHERE seq = " + signed);
        as(AUDITOR).queryParam("to", signed).get("/internal-logs/verify").then().body("verified", equalTo(false))
                .body("firstProblem.seq", equalTo((int) signed))
                .body("firstProblem.problem", equalTo("the checkpoint at entry " + signed
                        + " does not vouch for the chain"));
        withoutGuards("UPDATE internal_log_checkpoint SET signature = '" + signature + "' WHERE seq = " + signed);
        as(AUDITOR).queryParam("to", signed).get("/internal-logs/verify").then().body("verified", equalTo(true));
        as(AUDITOR).get("/internal-logs/checkpoint-key").then().statusCode(200)
                .body("algorithm", equalTo("SHA256withRSA"));
    }

    // --- the customer's view --------------------------------------------------------------------------------

    @Test
    void theCustomersViewShowsSupportActivityAndLeaksNothing() {
        // a request naming any org, anonymous or an auditor's, files its log there, and makes no org of it: "users"
        // is not hidden
        given().queryParam("orgId", "users").get("/internal-logs").then().statusCode(401);
        as(AUDITOR).queryParam("orgId", "users").get("/internal-logs").then().statusCode(200);
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM internal_log WHERE org_id = 'users'",
                row -> row.getLong(1)).orElseThrow() > 1);
        // support's work on a case, filed under the case's org: the case's timeline shows the customer what of it is
        // theirs to see, and this view nothing (the path tells of an internal note, an escalation)
        List<String> caseWork = List.of("req-note-" + RUN, "req-escalation-" + RUN);
        requestLog("/casetrail/case-service", Instant.now(), ORG, caseWork.get(0), "tse-tom",
                List.of(Roles.SUPPORT_ENGINEER), "POST /cases/" + CASE + "/internal-notes 201 (9 ms)",
                Map.of("path", "/cases/" + CASE + "/internal-notes"));
        requestLog("/casetrail/escalation-service", Instant.now(), ORG, caseWork.get(1), "tse-tom",
                List.of(Roles.SUPPORT_ENGINEER), "POST /cases/" + CASE + "/escalations 201 (9 ms)",
                Map.of("path", "/cases/" + CASE + "/escalations"));
        for (String id : caseWork) {
            await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).queryParam("requestId", id).get("/internal-logs")
                    .then().statusCode(200).body("orgId", equalTo(List.of(ORG))));
        }
        String view = as(ADA).queryParam("limit", 1000).get("/orgs/" + ORG + "/support-activity").then()
                .statusCode(200).extract().asString();
        assertThat(view).contains("io.casetrail.access.granted.v1").contains("tse-tom")
                .contains("ada@int.example")
                .doesNotContain(SECRET).doesNotContain("alice@int.example").doesNotContain(GLOBEX)
                .doesNotContain("db-1.prod").doesNotContain("10.0.3.17").doesNotContain("req-customer-")
                .doesNotContain("io.casetrail.case.opened.v1").contains("/orgs/" + ORG + "/users")
                .doesNotContain("/internal-notes").doesNotContain("/escalations");
        io.restassured.path.json.JsonPath items = io.restassured.path.json.JsonPath.from(view);
        assertThat(items.getList("findAll { it.kind == 'EVENT' }.type", String.class)).hasSize(12)
                .containsOnly("io.casetrail.access.granted.v1");
        assertThat(items.getList("findAll { it.kind == 'REQUEST' && it.actor == 'tse-tom' }.seq")).hasSize(1);
        assertThat(items.getList("findAll { it.kind == 'REQUEST' }.actor", String.class)).doesNotContain("admin-ada");
        as(GIL).get("/orgs/" + ORG + "/support-activity").then().statusCode(403);
        as(AUDITOR).get("/orgs/" + ORG + "/support-activity").then().statusCode(403);
        // the orgs to hide are kept as events are appended, not read from the whole log on every page
        assertThat(jdbc.query("SELECT org_id FROM internal_log_org", row -> row.getString(1)))
                .contains(ORG, GLOBEX).doesNotContain("users").doesNotHaveDuplicates();
    }

    /**
     * The support-activity view redacts every entry of a page: an org has a budget of requests a minute for it, as
     * for the System Log, and past it is refused (429, with the window's headers) until the window resets.
     */
    @Test
    void theSupportActivityViewIsRateLimitedPerOrg() throws InterruptedException {
        String busyOrg = "org-busy-" + RUN;
        String admin = MINT.token("admin-busy").role(Roles.ORG_ADMIN).org(busyOrg).sign();
        String path = "/orgs/" + busyOrg + "/support-activity?limit=1";
        io.restassured.response.Response response = as(admin).get(path);
        long secondsLeft = Long.parseLong(response.header("X-Rate-Limit-Reset")) - Instant.now().getEpochSecond();
        if (secondsLeft < 30) { // every request in one clock minute
            Thread.sleep((secondsLeft + 1) * 1000);
            response = as(admin).get(path);
        }
        int limit = Integer.parseInt(response.header("X-Rate-Limit-Limit"));
        response.then().statusCode(200).header("X-Rate-Limit-Remaining", String.valueOf(limit - 1));
        // a page refused for its paging counts too, and says so like any other answer
        as(admin).get("/orgs/" + busyOrg + "/support-activity?limit=0").then().statusCode(400)
                .contentType("application/problem+json").header("X-Rate-Limit-Remaining", String.valueOf(limit - 2));
        as(admin).get("/orgs/" + busyOrg + "/support-activity?after=not-a-cursor").then().statusCode(400)
                .header("X-Rate-Limit-Remaining", String.valueOf(limit - 3));
        as(admin).get("/orgs/" + busyOrg + "/support-activity?limit=abc").then().statusCode(400)
                .header("X-Rate-Limit-Remaining", String.valueOf(limit - 4))
                .body("detail", equalTo("limit must be a whole number between 1 and 1000"))
                .body("instance", equalTo("/orgs/" + busyOrg + "/support-activity"));
        for (int i = 0; i < limit - 3; i++) {
            response = as(admin).get(path);
        }
        response.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/rate-limited"))
                .header("X-Rate-Limit-Remaining", "0").header("Retry-After", org.hamcrest.Matchers.notNullValue());
        // another org's admins read on
        as(ADA).get("/orgs/" + ORG + "/support-activity?limit=1").then().statusCode(200);
    }

    // --- helpers --------------------------------------------------------------------------------------------

    private long seqOf(String requestId) {
        return jdbc.queryOne("SELECT seq FROM internal_log WHERE request_id = ? AND kind = 'REQUEST'",
                row -> row.getLong(1), requestId).orElseThrow();
    }

    private String entryId(long seq) {
        return jdbc.queryOne("SELECT entry_id FROM internal_log WHERE seq = ?", row -> row.getString(1), seq)
                .orElseThrow();
    }

    /** What only the table owner can do: run a statement with the append-only triggers off, then put them back. */
    private void withoutGuards(String statement) throws Exception {
        try (Connection c = dataSource.getConnection(); var s = c.createStatement()) {
            boolean postgres = c.getMetaData().getDatabaseProductName().toLowerCase().contains("postgres");
            String table = statement.contains("internal_log_checkpoint") ? "internal_log_checkpoint" : "internal_log";
            String trigger = table + "_append_only";
            if (postgres) {
                s.execute("ALTER TABLE " + table + " DISABLE TRIGGER " + trigger);
                s.execute(statement);
                s.execute("ALTER TABLE " + table + " ENABLE TRIGGER " + trigger);
            } else {
                s.execute("DROP TRIGGER " + trigger);
                s.execute(statement);
                s.execute("CREATE TRIGGER " + trigger + " BEFORE UPDATE, DELETE ON " + table
                        + " FOR EACH ROW CALL 'io.casetrail.logs.internal.AppendOnly'");
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }
}
