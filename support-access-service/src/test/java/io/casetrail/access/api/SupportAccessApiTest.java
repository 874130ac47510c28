package io.casetrail.access.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.Topics;
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
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.platform.security.Roles;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.HeldRows;
import io.casetrail.testing.LockWaits;
import io.casetrail.testing.Links;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.platform.axon.AxonRuntime;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.MovableClock;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.casetrail.testing.RequestLogRecords;
import io.casetrail.testing.RequestLogRecords.Filed;
import io.casetrail.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Support access through its REST API and the identity platform's endpoints, on a real broker and database. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class SupportAccessApiTest {

    static final TokenMinter MINT = TokenMinter.forTests();
    static final AtomicInteger ORGS = new AtomicInteger();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TSE = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom").sign();
    static final String OTHER_TSE = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    MovableClock clock;

    @Inject
    KnownCases knownCases;

    @Inject
    Jdbc jdbc;

    @Inject
    AxonRuntime axon;

    @Inject
    DataSource dataSource;

    /** A fresh org per test, with its Super Administrator and an admin. */
    record Org(String id, String superAdmin, String admin) {
    }

    Org newOrg() {
        String id = "org-" + ORGS.incrementAndGet() + "-" + System.nanoTime();
        return new Org(id, MINT.token("super-" + id).role(Roles.ORG_SUPER_ADMIN).org(id).name("Sam Super").sign(),
                MINT.token("admin-" + id).role(Roles.ORG_ADMIN).org(id).sign());
    }

    /** Publishes a case of the org on casetrail.case.v1 as case-service would, assigned to Tom. */
    String openCaseAssignedToTom(Org org) {
        String caseNumber = String.valueOf(10_000_000 + (System.nanoTime() % 89_999_999));
        Actor admin = new Actor("admin-" + org.id(), "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 0, new CaseOpened(caseNumber, org.id(),
                "https://x.okta.com", "SAML login fails", "d", ProductArea.SSO, Priority.P2, ContactPreference.EMAIL,
                admin.id(), List.of(), "sso", null, admin));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 2, new CaseAssigned(caseNumber, org.id(),
                "tse-tom", null, CaseStatus.OPEN, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport/cases")
                .then().statusCode(200).body("supportCases.caseNumber", hasItem(caseNumber)));
        // the assignment too, as Tom's requests are checked against it
        await().atMost(WAIT).until(() -> knownCases.find(caseNumber).map(KnownCases.KnownCase::assignee)
                .filter("tse-tom"::equals).isPresent());
        return caseNumber;
    }

    static RequestSpecification jwt(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    static RequestSpecification ssws(String secret) {
        return given().header("Authorization", "SSWS " + secret).contentType(ContentType.JSON);
    }

    /**
     * An Idempotency-Key is the caller's within its org: two orgs' Super Administrators whose identity providers
     * give them one subject, sending one key, each get their own token, not the other's answer replayed.
     */
    @Test
    void twoOrgsPrincipalsWithOneSubjectDoNotShareIdempotencyKeys() {
        String subject = "admin-" + System.nanoTime();
        String key = UUID.randomUUID().toString();
        List<String> orgs = List.of(newOrg().id(), newOrg().id());
        List<String> tokenIds = new java.util.ArrayList<>();
        for (String org : orgs) {
            String superAdmin = MINT.token(subject).role(Roles.ORG_SUPER_ADMIN).org(org).name("Sam").sign();
            tokenIds.add(jwt(superAdmin).header("Idempotency-Key", key).body("{\"name\":\"SIEM\"}")
                    .post("/org-api-tokens").then().statusCode(201).header("Idempotent-Replayed", nullValue())
                    .extract().path("id"));
        }
        assertThat(tokenIds.get(1)).isNotEqualTo(tokenIds.get(0));
        for (int i = 0; i < 2; i++) {
            assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                    row -> row.getLong(1), tokenIds.get(i))).contains(1L);
        }
    }

    String createToken(Org org) {
        String secret = jwt(org.superAdmin()).body("{\"name\":\"SIEM export\"}").post("/org-api-tokens")
                .then().statusCode(201).body("id", notNullValue()).extract().path("token");
        await().atMost(WAIT).untilAsserted(() -> ssws(secret).get("/api/v1/org/privacy/oktaSupport")
                .then().statusCode(200));
        return secret;
    }

    // --- the identity platform's org-wide endpoints, with an SSWS org API token -----------------------------

    @Test
    void superAdminsApiTokenGrantsExtendsAndRevokesOrgWideAccess() {
        Org org = newOrg();
        String secret = createToken(org);
        assertThat(secret).hasSize(42).startsWith("00");

        ssws(secret).get("/api/v1/org/privacy/oktaSupport").then().statusCode(200)
                .body("support", equalTo("DISABLED")).body("expiration", nullValue())
                .body("_links.grant.href", containsString("/api/v1/org/privacy/oktaSupport/grant"))
                .body("_links.grant.hints.allow", hasItem("POST"));

        // support access is for a case: with none open, a grant would allow nothing and is refused
        ssws(secret).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(400)
                .body("errorCode", equalTo("E0000001")).body("errorSummary", containsString("no open case"));
        ssws(secret).get("/api/v1/org/privacy/oktaSupport").then().body("support", equalTo("DISABLED"));
        openCaseAssignedToTom(org);

        Instant before = clock.instant();
        // an address the client names itself (X-Forwarded-For) is not where the request came from: the proxy
        // settings operations.md gives (on here) let Quarkus take it as the request's, the audit does not
        String expiration = ssws(secret).header("X-Forwarded-For", "6.6.6.6")
                .post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200)
                .body("support", equalTo("ENABLED"))
                .body("_links.extend.href", containsString("/oktaSupport/extend"))
                .body("_links.revoke.href", containsString("/oktaSupport/revoke"))
                .extract().path("expiration");
        Instant after = clock.instant();
        assertThat(Instant.parse(expiration)).isBetween(before.plus(Duration.ofHours(8)).truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS), after.plus(Duration.ofHours(8)));

        String extended = ssws(secret).post("/api/v1/org/privacy/oktaSupport/extend").then().statusCode(200)
                .body("support", equalTo("ENABLED")).extract().path("expiration");
        assertThat(Instant.parse(extended)).isEqualTo(Instant.parse(expiration).plus(Duration.ofHours(24)));

        ssws(secret).post("/api/v1/org/privacy/oktaSupport/revoke").then().statusCode(200)
                .body("support", equalTo("DISABLED")).body("expiration", nullValue());
        await().atMost(WAIT).untilAsserted(() -> ssws(secret).get("/api/v1/org/privacy/oktaSupport")
                .then().body("support", equalTo("DISABLED")));
        // each event names the token the request was made with, for the org's System Log
        String tokenId = jwt(org.superAdmin()).get("/org-api-tokens").then().statusCode(200).extract()
                .path("[0].id");
        assertThat(jdbc.query("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE '%SupportAccess%' ORDER BY sequencenumber", row -> new String(row.getBytes(1),
                StandardCharsets.UTF_8), org.id())).hasSize(3)
                .allSatisfy(payload -> assertThat(payload).contains("\"apiTokenId\":\"" + tokenId + "\"")
                        .contains("\"ipAddress\":\"").doesNotContain("6.6.6.6"));
    }

    @Test
    void grantIsPublishedOnTheAccessTopicAsACloudEvent() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(Topics.ACCESS, read -> read.stream()
                .anyMatch(r -> org.id().equals(CloudEventRecords.fromRecord(r).orgId())), WAIT);
        CloudEvent granted = records.stream().map(CloudEventRecords::fromRecord)
                .filter(e -> org.id().equals(e.orgId())).findFirst().orElseThrow();
        assertThat(granted.type()).isEqualTo("io.casetrail.access.granted.v1");
        assertThat(granted.source()).isEqualTo("/casetrail/support-access-service");
        assertThat(granted.subject()).isEqualTo(org.id());
        assertThat(granted.actor()).isEqualTo("super-" + org.id());
        assertThat(new String(granted.data(), StandardCharsets.UTF_8)).contains("\"scope\":\"ORG\"")
                .contains("\"coveredCases\":[\"" + caseNumber + "\"]")
                .doesNotContain("apiTokenId"); // made with a JWT
    }

    @Test
    void revokedApiTokenIsRefused() {
        Org org = newOrg();
        String secret = createToken(org);
        String id = await().atMost(WAIT).until(() -> jwt(org.superAdmin()).get("/org-api-tokens").then()
                .statusCode(200).extract().<String>path("[0].id"), found -> found != null);
        jwt(org.superAdmin()).delete("/org-api-tokens/" + id).then().statusCode(204);
        await().atMost(WAIT).untilAsserted(() -> ssws(secret).get("/api/v1/org/privacy/oktaSupport")
                .then().statusCode(401).body("errorCode", equalTo("E0000011")));
        // the token list is a projection of its own, which follows the revocation within moments too
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/org-api-tokens").then()
                .body("[0].revokedAt", notNullValue()).body("[0].token", nullValue()));
    }

    @Test
    void hereATokenWorksOnceCreatedAndIsRefusedOnceRevokedWithoutWaitingForTheTopic() {
        // the relay stopped: nothing reaches casetrail.access.v1, so only what the commands' own transactions
        // recorded can tell the token's creation and revocation here
        StreamingEventProcessor relay = axon.processor(AxonRuntime.RELAY_GROUP).orElseThrow();
        relay.shutDown();
        Org org = newOrg();
        String id;
        String secret;
        try {
            var created = jwt(org.superAdmin()).body("{\"name\":\"SIEM export\"}").post("/org-api-tokens").then()
                    .statusCode(201).extract();
            id = created.path("id");
            secret = created.path("token");
            ssws(secret).get("/api/v1/org/privacy/oktaSupport").then().statusCode(200);
            jwt(org.superAdmin()).delete("/org-api-tokens/" + id).then().statusCode(204);
            ssws(secret).get("/api/v1/org/privacy/oktaSupport").then().statusCode(401)
                    .body("errorCode", equalTo("E0000011"));
        } finally {
            relay.start();
        }
        // both events come back from the topic later, the creation first: the token stays refused
        List<String> eventIds = jdbc.query("SELECT eventidentifier FROM domainevententry WHERE aggregateidentifier = ?"
                + " ORDER BY sequencenumber", row -> row.getString(1), id);
        assertThat(eventIds).hasSize(2);
        await().atMost(WAIT).until(() -> jdbc.query("SELECT event_id FROM consumed_event WHERE consumer = ?",
                row -> row.getString(1), "api-token-registry").containsAll(eventIds));
        ssws(secret).get("/api/v1/org/privacy/oktaSupport").then().statusCode(401);
    }

    @Test
    void aTokenIsRevokedTheMomentItIsCreatedAndOnlyByItsOwnOrg() {
        Org org = newOrg();
        Org other = newOrg();
        String id = jwt(org.superAdmin()).body("{\"name\":\"short-lived\"}").post("/org-api-tokens").then()
                .statusCode(201).extract().path("id");
        jwt(other.superAdmin()).delete("/org-api-tokens/" + id).then().statusCode(403);
        jwt(org.superAdmin()).delete("/org-api-tokens/" + id).then().statusCode(204);
        jwt(org.superAdmin()).delete("/org-api-tokens/" + id).then().statusCode(409);
        jwt(org.superAdmin()).delete("/org-api-tokens/00Tthereisnosuchtoken0").then().statusCode(404);
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/org-api-tokens").then()
                .body("[0].id", equalTo(id)).body("[0].revokedAt", notNullValue()));
    }

    @Test
    void anOrgsTokensArePagedOldestFirstAndNoOtherOrgsAmongThem() {
        Org org = newOrg();
        Org other = newOrg();
        List<String> created = new java.util.ArrayList<>();
        for (String name : List.of("SIEM", "backup", "provisioning")) {
            created.add(jwt(org.superAdmin()).body("{\"name\":\"" + name + "\"}").post("/org-api-tokens").then()
                    .statusCode(201).extract().path("id"));
        }
        createToken(other);
        await().atMost(WAIT).untilAsserted(() -> assertThat(Links.pages(() -> jwt(org.superAdmin()),
                "/org-api-tokens?limit=2", "id", String.class)).isEqualTo(List.of(created.subList(0, 2),
                created.subList(2, 3))));
        jwt(org.superAdmin()).get("/org-api-tokens?after=not-a-cursor").then().statusCode(400);
        jwt(org.superAdmin()).get("/org-api-tokens?limit=201").then().statusCode(400);
        jwt(org.admin()).get("/org-api-tokens").then().statusCode(403);
    }

    /**
     * A token creation retried with its Idempotency-Key creates no second token: the retry names the first one,
     * without its secret, which is shown once and never stored. A retried revocation answers as the first did.
     */
    @Test
    void aRetriedTokenCreationCreatesNoSecondTokenAndRepeatsNoSecret() {
        Org org = newOrg();
        String key = java.util.UUID.randomUUID().toString();
        io.restassured.path.json.JsonPath first = jwt(org.superAdmin()).header("Idempotency-Key", key)
                .body("{\"name\":\"SIEM\"}").post("/org-api-tokens").then().statusCode(201)
                .body("token", notNullValue()).extract().jsonPath();
        String id = first.getString("id");
        jwt(org.superAdmin()).header("Idempotency-Key", key).body("{\"name\":\"SIEM\"}").post("/org-api-tokens")
                .then().statusCode(201).header("Idempotent-Replayed", "true").body("id", equalTo(id))
                .body("name", equalTo("SIEM")).body("$", not(hasKey("token")))
                .header("Location", endsWith("/org-api-tokens/" + id));
        assertThat(jdbc.queryOne("SELECT body FROM idempotency_record WHERE idem_key = ?", row -> row.getString(1),
                key).orElseThrow()).contains(id).doesNotContain(first.getString("token"));

        String revocation = java.util.UUID.randomUUID().toString();
        jwt(org.superAdmin()).header("Idempotency-Key", revocation).delete("/org-api-tokens/" + id).then()
                .statusCode(204);
        jwt(org.superAdmin()).header("Idempotency-Key", revocation).delete("/org-api-tokens/" + id).then()
                .statusCode(204).header("Idempotent-Replayed", "true");
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/org-api-tokens").then().statusCode(200)
                .body("id", contains(id)).body("[0].revokedAt", notNullValue()));
        // where the creation's Location points: the token, never its secret; only for its org's Super Administrator
        jwt(org.superAdmin()).get("/org-api-tokens/" + id).then().statusCode(200).body("id", equalTo(id))
                .body("name", equalTo("SIEM")).body("revokedAt", notNullValue()).body("$", not(hasKey("token")))
                .body("createdAt", equalTo(first.getString("createdAt"))); // the time the creation answered
        jwt(newOrg().superAdmin()).get("/org-api-tokens/" + id).then().statusCode(403)
                .body(not(containsString(org.id())));
        jwt(org.admin()).get("/org-api-tokens/" + id).then().statusCode(403); // an admin, not the Super Administrator
        jwt(org.superAdmin()).get("/org-api-tokens/00Tnosuchtoken").then().statusCode(404);
    }

    @Test
    void refusalsUseTheIdentityPlatformsErrorBody() {
        Org org = newOrg();
        given().post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(401)
                .body("errorCode", equalTo("E0000011")).body("errorId", notNullValue());
        ssws("00thisTokenWasNeverIssuedByAnybodyAtAll1234").get("/api/v1/org/privacy/oktaSupport")
                .then().statusCode(401).body("errorCode", equalTo("E0000011"));
        jwt(org.admin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(403)
                .body("errorCode", equalTo("E0000006"))
                .body("errorSummary", equalTo("You do not have permission to perform the requested action"));
        jwt(TSE).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(403)
                .body("errorCode", equalTo("E0000006"));
        // every one of the org's support access endpoints is the Super Administrator's alone
        for (String token : List.of(org.admin(), TSE, MINT.token("aud-al").role(Roles.AUDITOR).sign())) {
            jwt(token).get("/api/v1/org/privacy/oktaSupport").then().statusCode(403)
                    .body("errorCode", equalTo("E0000006"));
            jwt(token).get("/api/v1/org/privacy/oktaSupport/cases").then().statusCode(403);
            jwt(token).post("/api/v1/org/privacy/oktaSupport/extend").then().statusCode(403);
            jwt(token).post("/api/v1/org/privacy/oktaSupport/revoke").then().statusCode(403);
        }
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/extend").then().statusCode(400)
                .body("errorCode", equalTo("E0000001"));
        jwt(org.admin()).body("{\"name\":\"x\"}").post("/org-api-tokens").then().statusCode(403)
                .contentType("application/problem+json");
    }

    // --- per-case grants and impersonation sessions ----------------------------------------------------------

    @Test
    void assignedEngineerImpersonatesInsideACaseGrantWithAReadOnlySessionToken() throws Exception {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200)
                .body("caseNumber", equalTo(caseNumber)).body("impersonation.status", equalTo("ENABLED"))
                .body("impersonation.expiration", notNullValue()).body("subject", equalTo("SAML login fails"));

        var started = jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions")
                .then().statusCode(201).extract();
        String sessionId = started.path("sessionId");
        String sessionToken = started.path("token");
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(started.<String>path("token").split("\\.")[1]));
        assertThat(claims.path("iss").asText()).isEqualTo("https://casetrail.dev/support-access");
        assertThat(claims.path("sub").asText()).isEqualTo("tse-tom");
        assertThat(claims.path("org_id").asText()).isEqualTo(org.id());
        assertThat(claims.path("case_number").asText()).isEqualTo(caseNumber);
        assertThat(claims.path("session_id").asText()).isEqualTo(sessionId);
        assertThat(claims.path("read_only").asBoolean()).isTrue();
        assertThat(claims.path("original_principal").path("id").asText()).isEqualTo("tse-tom");
        assertThat(Instant.ofEpochSecond(claims.path("exp").asLong()))
                .isBeforeOrEqualTo(Instant.parse(started.path("endsAt")));
        // the session token is not a user token: the service's own endpoints refuse it
        jwt(started.path("token")).get("/sessions/" + sessionId).then().statusCode(401);

        // the session's token changes nothing here either (DOMAIN.md: refused and logged): the org's grant, on the
        // identity platform's endpoint (its error body), an API token, a path that does not exist. It is taken once
        // the service's view of sessions has it, moments after the start (401 before)
        await().atMost(WAIT).untilAsserted(() -> session(sessionToken).body("{}")
                .post("/api/v1/org/privacy/oktaSupport/extend").then().statusCode(403)
                .body("errorCode", equalTo("E0000006")));
        session(sessionToken).body("{\"name\":\"mine\"}").post("/org-api-tokens").then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"))
                .body("detail", containsString("POST /org-api-tokens was refused and recorded"));
        session(sessionToken).delete("/no/such/path").then().statusCode(403);
        assertThat(jdbc.query("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE '%SessionWriteRefused' ORDER BY sequencenumber", row -> row.getBytes(1), org.id()))
                .extracting(SupportAccessApiTest::refusedWrite).containsExactly(
                "POST /api/v1/org/privacy/oktaSupport/extend " + sessionId + " " + caseNumber + " tse-tom",
                "POST /org-api-tokens " + sessionId + " " + caseNumber + " tse-tom",
                "DELETE /no/such/path " + sessionId + " " + caseNumber + " tse-tom");
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " NOT LIKE '%SessionWriteRefused' AND payloadtype NOT LIKE '%ImpersonationStarted'"
                + " AND payloadtype NOT LIKE '%SupportAccessGranted'", row -> row.getLong(1), org.id()).orElseThrow())
                .as("nothing else recorded: no extension, no token").isZero();

        // a session is stopped by its engineer or a lead of the case's team, not by another engineer, a lead of
        // another team, nor the org
        jwt(OTHER_TSE).post("/sessions/" + sessionId + "/stop").then().statusCode(403)
                .contentType("application/problem+json");
        jwt(org.superAdmin()).post("/sessions/" + sessionId + "/stop").then().statusCode(403);
        jwt(MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign()).post("/sessions/" + sessionId + "/stop")
                .then().statusCode(403);
        jwt(MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign()).post("/sessions/" + sessionId + "/stop")
                .then().statusCode(200).body("sessionId", equalTo(sessionId)).body("caseNumber", equalTo(caseNumber))
                .body("endReason", equalTo("STOPPED"));
        // stopped, it runs no more: a second stop is a conflict, not an unknown session, to those who may stop it;
        // anyone else is refused as before and learns nothing of it
        jwt(TSE).post("/sessions/" + sessionId + "/stop").then().statusCode(409)
                .body("type", endsWith("/session-ended"));
        jwt(MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign()).post("/sessions/" + sessionId + "/stop")
                .then().statusCode(409).body("type", endsWith("/session-ended"));
        jwt(OTHER_TSE).post("/sessions/" + sessionId + "/stop").then().statusCode(403)
                .contentType("application/problem+json");
        jwt(MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign()).post("/sessions/" + sessionId + "/stop")
                .then().statusCode(403);
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                .body("endReason", equalTo("STOPPED")).body("endedAt", notNullValue()));
        session(sessionToken).get("/sessions/current").then().statusCode(401);
        jwt(org.admin()).get("/sessions/" + sessionId).then().statusCode(200);
        jwt(newOrg().admin()).get("/sessions/" + sessionId).then().statusCode(403);
        // support reads it by the case's team: its leads and managers, not another team's
        jwt(MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign()).get("/sessions/" + sessionId).then()
                .statusCode(200);
        jwt(MINT.token("mgr-may").role(Roles.SUPPORT_MANAGER).team("sso").sign()).get("/sessions/" + sessionId)
                .then().statusCode(200);
        jwt(MINT.token("lead-leo").role(Roles.TEAM_LEAD).team("mfa").sign()).get("/sessions/" + sessionId).then()
                .statusCode(403);
        jwt(MINT.token("mgr-mo").role(Roles.SUPPORT_MANAGER).team("mfa").sign()).get("/sessions/" + sessionId)
                .then().statusCode(403);
        jwt(OTHER_TSE).get("/sessions/" + sessionId).then().statusCode(403);
        jwt(MINT.token("aud-al").role(Roles.AUDITOR).sign()).get("/sessions/" + sessionId).then().statusCode(200);
    }

    /**
     * Support's requests about a session name it by its id alone, by principals bound to no org: their request logs
     * are filed under the session's org and case all the same, refusals too, so that the internal log's org filter
     * finds them. A session nobody started names neither.
     */
    @Test
    void requestsAboutASessionAreLoggedUnderItsOrg() throws Exception {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        String sessionId = jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then()
                .statusCode(201).extract().path("sessionId");
        String refused = "refused-" + UUID.randomUUID();
        String stopped = "stopped-" + UUID.randomUUID();
        String read = "read-" + UUID.randomUUID();
        String unreadable = "unreadable-" + UUID.randomUUID();
        String unknown = "unknown-" + UUID.randomUUID();
        jwt(OTHER_TSE).header("X-Request-Id", refused).post("/sessions/" + sessionId + "/stop").then().statusCode(403);
        jwt(TSE).header("X-Request-Id", stopped).post("/sessions/" + sessionId + "/stop").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                .body("endReason", equalTo("STOPPED")));
        jwt(MINT.token("aud-al").role(Roles.AUDITOR).sign()).header("X-Request-Id", read)
                .get("/sessions/" + sessionId).then().statusCode(200);
        jwt(OTHER_TSE).header("X-Request-Id", unreadable).get("/sessions/" + sessionId).then().statusCode(403);
        jwt(TSE).header("X-Request-Id", unknown).post("/sessions/" + UUID.randomUUID() + "/stop").then()
                .statusCode(404);
        Map<String, Filed> logs = RequestLogRecords.of(List.of(refused, stopped, read, unreadable, unknown), WAIT);
        for (String requestId : List.of(refused, stopped, read, unreadable)) {
            assertThat(logs.get(requestId)).as(requestId).isEqualTo(Filed.under(org.id(), caseNumber));
        }
        assertThat(logs.get(unknown)).isEqualTo(Filed.under(null, null));
    }

    @Test
    void aRetriedSessionStartNamesItsSessionButTheTokenIsNeverStored() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        String key = "start-" + caseNumber;
        var first = jwt(TSE).header("Idempotency-Key", key).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post("/sessions").then().statusCode(201).extract();
        String token = first.path("token");
        assertThat(token).isNotBlank();
        jwt(TSE).header("Idempotency-Key", key).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions")
                .then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("sessionId", equalTo(first.path("sessionId")))
                .body("$", not(hasKey("token")));
        assertThat(jdbc.query("SELECT body FROM idempotency_record WHERE idem_key = ?", row -> row.getString(1), key))
                .singleElement().asString().contains(first.<String>path("sessionId")).doesNotContain(token);
    }

    @Test
    void engineerWithoutAGrantOrNotAssignedCannotImpersonate() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("has not granted"));
        // support not working the case learns nothing of the org's grants: the same answer before and after one
        jwt(OTHER_TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(403)
                .body("detail", containsString("only support working case " + caseNumber));
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        // the case's own access cannot be revoked while the org-wide grant covers it: that would answer DISABLED
        // and change nothing
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"DISABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(400)
                .body("errorCode", equalTo("E0000001")).body("errorSummary", containsString("org-wide grant"));
        // a grant of the case's own, besides, is the case's to revoke (below)
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200);
        jwt(OTHER_TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(403)
                .body("detail", containsString("only support working case " + caseNumber));
        jwt(org.superAdmin()).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then()
                .statusCode(403);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/revoke").then().statusCode(200)
                .body("support", equalTo("DISABLED"));
        // the platform's one switch turned off ends support access to the org, the case's own grant too, as its
        // DISABLED says: nothing is left to start a session in, nor to revoke
        jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(403);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"DISABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200)
                .body("impersonation.status", equalTo("DISABLED"));
    }

    /**
     * A case as listed, sent back with the later expiration a client wants (its status still ENABLED), extends the
     * case's grant, as the expiration alone does; it is not taken for a second grant, which would change nothing.
     */
    @Test
    void aCaseSentBackAsListedWithALaterExpirationExtendsItsGrant() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        Instant granted = Instant.parse(jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200).extract()
                .path("impersonation.expiration"));
        String sentBack = "{\"caseNumber\":\"" + caseNumber + "\",\"impersonation\":{\"status\":\"ENABLED\","
                + "\"expiration\":\"" + granted.plus(Duration.ofHours(24)) + "\"}}";
        Instant extended = Instant.parse(jwt(org.superAdmin()).body(sentBack)
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200).extract()
                .path("impersonation.expiration"));
        assertThat(extended).isEqualTo(granted.plus(Duration.ofHours(24)));
        long events = jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), org.id()).orElseThrow();

        // sent back as listed, unchanged, it changes nothing; an earlier expiration (the past) is refused
        String asListed = "{\"caseNumber\":\"" + caseNumber + "\",\"impersonation\":{\"status\":\"ENABLED\","
                + "\"expiration\":\"" + extended + "\"}}";
        assertThat(Instant.parse(jwt(org.superAdmin()).body(asListed).patch("/api/v1/org/privacy/oktaSupport/cases/"
                + caseNumber).then().statusCode(200).extract().<String>path("impersonation.expiration")))
                .isEqualTo(extended);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"expiration\":\"2000-01-01T00:00:00Z\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(400)
                .body("errorCode", equalTo("E0000001"))
                .body("errorCauses[0].errorSummary", containsString("impersonation.expiration"));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), org.id())).contains(events);

        // a client that saw the grant, sending it back after another admin revoked it, does not grant again
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"DISABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200);
        jwt(org.superAdmin()).body(asListed).patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then()
                .statusCode(400).body("errorCode", equalTo("E0000001"))
                .body("errorSummary", containsString("not granted"));
        jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(403);
    }

    @Test
    void orgAdminWhoIsNotSuperCannotGrantForACase() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.admin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(403)
                .body("errorCode", equalTo("E0000006"));
        Org other = newOrg();
        jwt(other.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(404)
                .body("errorCode", equalTo("E0000007"));
    }

    @Test
    void revokingTheGrantEndsTheSessionAndItsTokenIsRefused() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        var started = jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions")
                .then().statusCode(201).extract();
        String sessionId = started.path("sessionId");
        String token = started.path("token");
        await().atMost(WAIT).untilAsserted(() -> session(token).get("/sessions/current").then().statusCode(200)
                .body("sessionId", equalTo(sessionId)));
        // a session token is for the admin views only: the service's other endpoints refuse it
        session(token).get("/sessions/" + sessionId).then().statusCode(403);
        session(token).post("/api/v1/org/privacy/oktaSupport/revoke").then().statusCode(403);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/revoke").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                .body("endReason", equalTo("GRANT_REVOKED")));
        session(token).get("/sessions/current").then().statusCode(401);
    }

    /**
     * Support looks into an org only while it holds an open case there: a session ends when its case is assigned to
     * another engineer, or closes, and its token stops working. A case closing in an org that never granted access
     * ends nothing and holds nothing up.
     */
    @Test
    void aSessionEndsWhenItsEngineerNoLongerHoldsTheCase() {
        Org org = newOrg();
        String reassigned = openCaseAssignedToTom(org);
        String closed = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        var first = jwt(TSE).body("{\"caseNumber\":\"" + reassigned + "\"}").post("/sessions").then().statusCode(201)
                .extract();
        var second = jwt(TSE).body("{\"caseNumber\":\"" + closed + "\"}").post("/sessions").then().statusCode(201)
                .extract();
        // the team's lead works the reassigned case too: its session outlives the reassignment
        String lu = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").name("Lu").sign();
        var leads = jwt(lu).body("{\"caseNumber\":\"" + reassigned + "\"}").post("/sessions").then().statusCode(201)
                .extract();
        String token = first.path("token");
        await().atMost(WAIT).untilAsserted(() -> session(token).get("/sessions/current").then().statusCode(200));

        Actor lead = new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD);
        TestEvents.publish(Topics.CASE, "case-service", reassigned, 3, new CaseAssigned(reassigned, org.id(),
                "tse-tia", "tse-tom", CaseStatus.OPEN, lead));
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + first.path("sessionId")).then()
                .statusCode(200).body("endReason", equalTo("CASE_REASSIGNED")));
        session(token).get("/sessions/current").then().statusCode(401);
        jwt(TSE).get("/sessions/" + second.path("sessionId")).then().body("endReason", nullValue());
        jwt(lu).get("/sessions/" + leads.path("sessionId")).then().statusCode(200).body("endReason", nullValue());

        TestEvents.publish(Topics.CASE, "case-service", closed, 9, new CaseClosed(closed, org.id(),
                CloseReason.CONFIRMED, new Actor("admin-" + org.id(), "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + second.path("sessionId")).then()
                .statusCode(200).body("endReason", equalTo("CASE_CLOSED")));

        Org ungranted = newOrg();
        String caseOfUngranted = openCaseAssignedToTom(ungranted);
        TestEvents.publish(Topics.CASE, "case-service", caseOfUngranted, 9, new CaseClosed(caseOfUngranted,
                ungranted.id(), CloseReason.CONFIRMED, new Actor("admin-" + ungranted.id(), "Ada",
                        Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).until(() -> knownCases.find(caseOfUngranted).map(k -> !k.isOpen()).orElse(false));
        // a closed case is 409 to its holder, whether or not its org ever granted access; to others, 403 alike
        for (String closedCase : List.of(closed, caseOfUngranted)) {
            jwt(TSE).body("{\"caseNumber\":\"" + closedCase + "\"}").post("/sessions").then().statusCode(409)
                    .body("type", equalTo("https://casetrail.io/problems/case-closed"));
            jwt(OTHER_TSE).body("{\"caseNumber\":\"" + closedCase + "\"}").post("/sessions").then()
                    .statusCode(403).body("detail", containsString("only support working case " + closedCase));
        }
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), ungranted.id())).contains(0L);
    }

    /**
     * A grant is for a case while open: the case's closure ends its own grant, on record, and a reopening (any admin
     * of the org reopens) brings no access back, neither through the case's grant nor through an org-wide grant
     * given before; the Super Administrator grants anew.
     */
    @Test
    void aReopenedCaseNeedsTheSuperAdministratorToGrantAgain() {
        Org org = newOrg();
        String reopened = openCaseAssignedToTom(org);
        String stillOpen = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + reopened).then().statusCode(200);
        String sessionId = jwt(TSE).body("{\"caseNumber\":\"" + reopened + "\"}").post("/sessions").then()
                .statusCode(201).extract().path("sessionId");
        Actor ada = new Actor("admin-" + org.id(), "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", reopened, 9, new CaseClosed(reopened, org.id(),
                CloseReason.CONFIRMED, ada));
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                .body("endReason", equalTo("CASE_CLOSED")));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ? AND"
                + " payloadtype LIKE '%SupportAccessRevoked'", row -> row.getLong(1), org.id())).contains(1L);
        TestEvents.publish(Topics.CASE, "case-service", reopened, 10, new CaseReopened(reopened, org.id(),
                "It is back", ada));
        await().atMost(WAIT).until(() -> knownCases.find(reopened).map(KnownCases.KnownCase::isOpen).orElse(false));

        jwt(TSE).body("{\"caseNumber\":\"" + reopened + "\"}").post("/sessions").then().statusCode(403)
                .body("detail", containsString("opened or reopened since"));
        jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport/cases").then().statusCode(200)
                .body("supportCases.find { it.caseNumber == '" + reopened + "' }.impersonation.status",
                        equalTo("DISABLED"));
        // the org-wide grant goes on for the case open all along; granted anew, the reopened case is worked again
        jwt(TSE).body("{\"caseNumber\":\"" + stillOpen + "\"}").post("/sessions").then().statusCode(201);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + reopened).then().statusCode(200)
                .body("impersonation.status", equalTo("ENABLED"));
        jwt(TSE).body("{\"caseNumber\":\"" + reopened + "\"}").post("/sessions").then().statusCode(201);
    }

    /**
     * A session start and the case's reassignment are recorded one after the other: while the reassignment is being
     * recorded (its transaction holds the case's row, as the known-cases consumer's does) the start waits, and then
     * finds the case is no longer Tom's.
     */
    @Test
    void aSessionStartWaitsForAReassignmentBeingRecorded() throws Exception {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        try (HeldRows reassignment = HeldRows.hold(dataSource,
                "UPDATE known_case SET assignee = 'tse-tia' WHERE case_number = ?", caseNumber)) {
            CompletableFuture<Integer> started = CompletableFuture.supplyAsync(() -> jwt(TSE)
                    .body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").statusCode());
            LockWaits.awaitWaiter(dataSource, "FROM known_case WHERE case_number", WAIT);
            assertThat(started).isNotDone();
            reassignment.commit();
            assertThat(started.get(30, TimeUnit.SECONDS)).isEqualTo(403);
        }
    }

    /**
     * A reassignment arriving with other records is applied alone: the session it ends (the org's aggregate locked
     * until its transaction ends) is committed before the next record's case row is asked for. Applied in one
     * transaction with the next, it held the org while that record waited for the row a session start held, and the
     * start waited for the org: a 409 after the lock wait, the consumer stalled as long. (On PostgreSQL, as `.ci/run`
     * runs it, the row waits for ever; H2's lock timeout ends the wait and hides the fault.)
     */
    @Test
    void aReassignmentArrivingWithOtherRecordsFreesTheOrgBeforeTheirCasesRowsAreAsked() throws Exception {
        Org org = newOrg();
        String reassigned = openCaseAssignedToTom(org);
        String held = openCaseAssignedToTom(org);
        String other = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        String sessionId = jwt(TSE).body("{\"caseNumber\":\"" + reassigned + "\"}").post("/sessions").then()
                .statusCode(201).extract().path("sessionId");
        Actor lead = new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD);
        Actor admin = new Actor("admin-" + org.id(), "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        try (HeldRows row = HeldRows.hold(dataSource,
                "UPDATE known_case SET assignee = assignee WHERE case_number = ?", held)) {
            // one partition, in this order, one fetch
            TopicReader.sendTogether(Stream.of(
                    TestEvents.record(Topics.CASE, "case-service", reassigned, 3, new CaseAssigned(reassigned,
                            org.id(), "tse-tia", "tse-tom", CaseStatus.OPEN, lead), Instant.now(),
                            UUID.randomUUID().toString()),
                    TestEvents.record(Topics.CASE, "case-service", held, 3, new ReplyPosted(held, org.id(), "m-1",
                            "Still failing", CaseStatus.OPEN, admin), Instant.now(), UUID.randomUUID().toString()))
                    .map(r -> new ProducerRecord<>(r.topic(), 0, r.key(), r.value(), r.headers())).toList());
            await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                    .body("endReason", equalTo("CASE_REASSIGNED")));
            LockWaits.awaitWaiter(dataSource, "FROM known_case WHERE case_number", WAIT);
            // the consumer waits for the held row, holding nothing of the org's: a session on another case starts
            jwt(TSE).body("{\"caseNumber\":\"" + other + "\"}").post("/sessions").then().statusCode(201);
            row.commit();
        }
        await().atMost(WAIT).until(() -> knownCases.find(held).map(KnownCases.KnownCase::statusSequence)
                .filter(sequence -> sequence == 3L).isPresent());
    }

    /**
     * A session start retried with its Idempotency-Key while the first is still running waits for it and answers as
     * it did. The start runs in a transaction of its own: the retry's refused claim of the key spoils that
     * transaction (on PostgreSQL), and the first's answer is read in another one (it was a 500).
     */
    @Test
    void aSessionStartRetriedWhileTheFirstRunsGetsTheFirstsAnswer() throws Exception {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        String key = "start-" + UUID.randomUUID();
        String start = "{\"caseNumber\":\"" + caseNumber + "\"}";
        CompletableFuture<io.restassured.response.Response> first;
        CompletableFuture<io.restassured.response.Response> retry;
        // the first start holds its key and waits for the case's row
        try (HeldRows reassignment = HeldRows.hold(dataSource,
                "UPDATE known_case SET assignee = assignee WHERE case_number = ?", caseNumber)) {
            first = CompletableFuture.supplyAsync(() -> jwt(TSE).header("Idempotency-Key", key).body(start)
                    .post("/sessions"));
            LockWaits.awaitWaiter(dataSource, "FROM known_case WHERE case_number", WAIT);
            // the retry waits for the key
            retry = CompletableFuture.supplyAsync(() -> jwt(TSE).header("Idempotency-Key", key).body(start)
                    .post("/sessions"));
            LockWaits.awaitWaiter(dataSource, "idempotency_record", WAIT);
        }
        String sessionId = first.get(30, TimeUnit.SECONDS).then().statusCode(201).extract().path("sessionId");
        retry.get(30, TimeUnit.SECONDS).then().statusCode(201).header("Idempotent-Replayed", "true")
                .body("sessionId", equalTo(sessionId));
    }

    /** A stored {@code SessionWriteRefused}: its method, path, session, case and actor. */
    private static String refusedWrite(byte[] payload) {
        JsonNode refused = readJson(payload);
        return String.join(" ", refused.path("method").asText(), refused.path("path").asText(),
                refused.path("sessionId").asText(), refused.path("caseNumber").asText(),
                refused.path("actor").path("id").asText());
    }

    static RequestSpecification session(String token) {
        return given().header("Authorization", "Session " + token);
    }

    @Test
    void grantExpiresThroughItsPersistedDeadlineAndEndsItsSessions() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200);
        // a session started half an hour before the grant ends (sessions last an hour): the grant ends it
        clock.advance(Duration.ofMinutes(7 * 60 + 30));
        var started = jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions")
                .then().statusCode(201).extract();
        String sessionId = started.path("sessionId");
        String token = started.path("token");
        clock.advance(Duration.ofMinutes(45));
        await().atMost(WAIT).untilAsserted(() -> jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200)
                .body("endReason", equalTo("GRANT_EXPIRED")));
        session(token).get("/sessions/current").then().statusCode(401);
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin())
                .get("/api/v1/org/privacy/oktaSupport/cases").then().statusCode(200)
                .body("supportCases.find { it.caseNumber == '" + caseNumber + "' }.impersonation.status",
                        equalTo("DISABLED")));
    }

    /**
     * A grant past its expiry is shown ended even before its expiry deadline fires (here another instance has
     * claimed the deadline and not fired it yet), and a grant given again is the one shown.
     */
    @Test
    void aGrantPastItsExpiryIsShownEndedBeforeItsDeadlineFires() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200);
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport")
                .then().statusCode(200).body("support", equalTo("ENABLED")));
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM access_grant WHERE org_id = ?",
                row -> row.getLong(1), org.id()).orElse(0L) == 2);
        assertThat(jdbc.update("UPDATE deadline_entry SET claimed_until = ?, claimed_by = 'another-instance'"
                + " WHERE scope_id = ?", clock.instant().plus(Duration.ofDays(365)), org.id())).isEqualTo(2);
        clock.advance(Duration.ofHours(9));

        jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport").then().statusCode(200)
                .body("support", equalTo("DISABLED")).body("expiration", nullValue());
        jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport/cases").then().statusCode(200)
                .body("supportCases.find { it.caseNumber == '" + caseNumber + "' }.impersonation.status",
                        equalTo("DISABLED"));
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM access_grant WHERE org_id = ? AND status = 'ACTIVE'",
                row -> row.getLong(1), org.id())).contains(2L);

        String expiration = jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then()
                .statusCode(200).extract().path("expiration");
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport")
                .then().statusCode(200).body("support", equalTo("ENABLED")).body("expiration", equalTo(expiration)));
    }

    @Test
    void aSessionThatWasToEndWithItsGrantGoesOnWhenTheGrantIsExtended() throws Exception {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        String expiration = jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(200).extract()
                .path("impersonation.expiration");
        clock.advance(Duration.ofMinutes(7 * 60 + 30)); // half an hour of the grant left; sessions last an hour
        var started = jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions")
                .then().statusCode(201).extract();
        String sessionId = started.path("sessionId");
        String token = started.path("token");
        assertThat(Instant.parse(started.path("endsAt"))).isEqualTo(Instant.parse(expiration)); // with the grant
        // its token lasts the maximum session length all the same: the grant may be extended
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertThat(Instant.ofEpochSecond(claims.path("exp").asLong())).isAfter(Instant.parse(expiration));

        jwt(org.superAdmin()).body("{\"impersonation\":{\"expiration\":\"" + Instant.parse(expiration)
                .plus(Duration.ofHours(24)) + "\"}}").patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber)
                .then().statusCode(200);
        // now an hour from its start, its maximum length
        await().atMost(WAIT).untilAsserted(() -> {
            var view = jwt(TSE).get("/sessions/" + sessionId).then().statusCode(200).extract();
            assertThat(Instant.parse(view.<String>path("endsAt")))
                    .isEqualTo(Instant.parse(view.<String>path("startedAt")).plus(Duration.ofHours(1)));
        });

        clock.advance(Duration.ofMinutes(45)); // past the grant's first expiry: the deadlines due then fire, and pass
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM deadline_entry WHERE scope_id = ? AND"
                + " trigger_at <= ?", row -> row.getLong(1), org.id(), clock.instant()).orElseThrow() == 0);
        session(token).get("/sessions/current").then().statusCode(200);
        jwt(TSE).get("/sessions/" + sessionId).then().body("endReason", nullValue());
    }

    /**
     * A case known before its status's sequence number was kept has none, not 0 ("as of the case's opening"): a
     * session started on it carries no caseSequence.
     */
    @Test
    void aCaseKnownWithoutItsStatusSequenceHasNone() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        assertThat(knownCases.find(caseNumber).orElseThrow().statusSequence()).isEqualTo(2L);
        assertThat(jdbc.update("UPDATE known_case SET status_seq = NULL, open_seq = NULL WHERE case_number = ?", caseNumber))
                .isEqualTo(1);
        assertThat(knownCases.find(caseNumber).orElseThrow().statusSequence()).isNull();
        jwt(org.superAdmin()).post("/api/v1/org/privacy/oktaSupport/grant").then().statusCode(200);
        jwt(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/sessions").then().statusCode(201);
        JsonNode started = jdbc.queryOne("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND"
                + " payloadtype LIKE '%ImpersonationStarted'", row -> readJson(row.getBytes(1)), org.id())
                .orElseThrow();
        assertThat(started.path("caseNumber").asText()).isEqualTo(caseNumber);
        assertThat(started.path("caseSequence").isMissingNode() || started.path("caseSequence").isNull()).isTrue();
    }

    private static JsonNode readJson(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void closedCasesCannotBeGranted() {
        Org org = newOrg();
        String caseNumber = openCaseAssignedToTom(org);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 9, new CaseClosed(caseNumber, org.id(),
                CloseReason.CONFIRMED, new Actor("admin-" + org.id(), "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).untilAsserted(() -> jwt(org.superAdmin()).get("/api/v1/org/privacy/oktaSupport/cases")
                .then().statusCode(200).body("supportCases.caseNumber", not(hasItem(caseNumber))));
        jwt(org.superAdmin()).body("{\"impersonation\":{\"status\":\"ENABLED\"}}")
                .patch("/api/v1/org/privacy/oktaSupport/cases/" + caseNumber).then().statusCode(400)
                .body("errorCode", equalTo("E0000001"))
                .body("errorCauses[0].errorSummary", equalTo("impersonation.status: case " + caseNumber
                        + " is closed"));
    }
}
