package io.casetrail.systemtests;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.client.Clients;
import com.okta.sdk.resource.api.OrgSettingSupportApi;
import com.okta.sdk.resource.api.SystemLogApi;
import com.okta.sdk.resource.model.LogEvent;
import com.okta.sdk.resource.model.OrgOktaSupportSetting;

import io.casetrail.platform.security.PemKeys;
import io.casetrail.platform.security.Roles;
import io.restassured.http.ContentType;
import jakarta.mail.internet.MimeMessage;

/**
 * The whole story through the public APIs of the five running services, and then the records of it compared: the
 * System Log read through the identity platform's SDK, the case's timeline, the internal logs and their
 * verification, an audit replay of the topics by {@code casetrail-audit} run as ops would run it, and the timeline
 * rebuilt from case-service's event store.
 */
class WholeStoryTest extends StackTest {

    static final String ORG = "org-story-" + Long.toString(System.nanoTime(), 36);
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).name("Ada").sign();
    static final String SAM = MINT.token("admin-sam").role(Roles.ORG_SUPER_ADMIN).org(ORG).name("Sam").sign();
    static final String OPERATOR = MINT.token("ops-olga").role(Roles.PLATFORM_OPERATOR).sign();
    static final String MAY = MINT.token("mgr-may").role(Roles.SUPPORT_MANAGER).team("sso").name("May").sign();
    static final String DEV = MINT.token("eng-dev").role(Roles.ENGINEER).name("Dev").sign();
    static final String EVE = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();
    static final String AUDITOR = MINT.token("aud-ari").role(Roles.AUDITOR).name("Ari").sign();
    static final String ALICE = "00ustory1alice";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The fingerprint of the checkpoint key the stack's log-service was given, pinned as an auditor would. */
    static final String CHECKPOINT_KEY = fingerprint(PemKeys.publicKey("casetrail-test-keys/checkpoint-public.pem"));

    @Test
    void fromOpeningToReopeningEveryRecordAgrees() throws Exception {
        String since = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(5).toString();
        as(OPERATOR).body("""
                {"org":{"id":"%s","name":"Story Corp","url":"https://story.okta.com"},
                 "users":[{"id":"%s","login":"alice@story.example","firstName":"Alice","lastName":"Ng",
                           "email":"alice@story.example","status":"LOCKED_OUT","factors":[]}],
                 "groups":[{"id":"00g1","name":"Everyone","members":["%s"]}]}
                """.formatted(ORG, ALICE, ALICE)).put(url("org-admin-service", "/orgs/" + ORG + "/directory"))
                .then().statusCode(200);

        // a customer opens a case; a lead assigns it
        String caseNumber = caseAssignedToTom(ADA, "https://story.okta.com", "Alice cannot sign in");
        String cases = "/cases/" + caseNumber;

        // the TSE asks for information, the customer answers
        as(TSE).body("{\"body\":\"Since when?\"}").post(url("case-service", cases + "/information-requests")).then()
                .statusCode(200).body("status", equalTo("PENDING_CUSTOMER"));
        as(ADA).body("{\"body\":\"Since this morning\"}").post(url("case-service", cases + "/replies")).then()
                .statusCode(200).body("status", equalTo("OPEN"));

        // the customer consents in writing; the TSE resets Alice's password; the e-mail arrives
        String consent = await().atMost(WAIT).ignoreExceptions().until(() -> as(ADA).body("{\"actionKinds\":"
                + "[\"RESET_PASSWORD\"],\"targetUserIds\":[\"" + ALICE + "\"]}").post(url("org-admin-service",
                        cases + "/consents")).then().statusCode(201).extract().<String>path("consentId"),
                id -> id != null);
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get(url("org-admin-service", cases + "/consents/" + consent))
                .then().statusCode(200).body("channel", equalTo("API")).body("givenBy", equalTo("admin-ada")) // written, by the admin
                .body("status", equalTo("ACTIVE")));
        as(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post(url("org-admin-service", "/orgs/" + ORG + "/users/" + ALICE + "/lifecycle/reset-password"))
                .then().statusCode(200).body("status", equalTo("DONE"));
        // handed to the mail server before the answer: one message, to Alice alone, with her link and the case
        List<MimeMessage> resets = stack.mailTo("alice@story.example", "Reset your password");
        assertThat(resets).hasSize(1);
        assertThat(Arrays.stream(resets.get(0).getAllRecipients()).map(Object::toString))
                .containsExactly("alice@story.example");
        assertThat(com.icegreen.greenmail.util.GreenMailUtil.getBody(resets.get(0)))
                .containsPattern("https://story\\.okta\\.com/reset_password/[A-Za-z0-9_-]{16,}")
                .contains("Support case " + caseNumber);

        // the super admin grants support access through the SDK
        String apiToken = as(SAM).body("{\"name\":\"SIEM\"}").post(url("support-access-service", "/org-api-tokens"))
                .then().statusCode(201).extract().path("token");
        OrgSettingSupportApi support = new OrgSettingSupportApi(sdk("support-access-service", apiToken));
        await().atMost(WAIT).untilAsserted(() -> as(SAM).get(url("support-access-service",
                "/api/v1/org/privacy/oktaSupport/cases")).then().statusCode(200)
                .body("supportCases.caseNumber", hasItem(caseNumber)));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(support.grantOktaSupport()
                .getSupport()).isEqualTo(OrgOktaSupportSetting.ENABLED));

        // the TSE impersonates; a write is refused; the session ends
        var session = as(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post(url("support-access-service", "/sessions")).then().statusCode(201).extract().jsonPath();
        String sessionToken = session.getString("token");
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + sessionToken)
                .get(url("org-admin-service", "/admin-view/groups")).then().statusCode(200)
                .body("profile.name", equalTo(List.of("Everyone"))));
        given().header("Authorization", "Session " + sessionToken).contentType(ContentType.JSON)
                .body("{\"profile\":{\"firstName\":\"Mallory\"}}")
                .post(url("org-admin-service", "/admin-view/users/" + ALICE)).then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));
        // and changed nothing (the engineer's look is recorded too)
        as(TSE).get(url("org-admin-service", "/orgs/" + ORG + "/users/" + ALICE + "?caseNumber=" + caseNumber))
                .then().statusCode(200).body("profile.firstName", equalTo("Alice"));
        as(TSE).post(url("support-access-service", "/sessions/" + session.getString("sessionId") + "/stop")).then()
                .statusCode(200);
        // ended: the session's token opens nothing any more
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + sessionToken)
                .get(url("org-admin-service", "/admin-view/groups")).then().statusCode(401));

        // an escalation through its approval chain (defect: a lead, then a manager); Engineering accepts; an
        // escalation manager takes over; Engineering resolves and the manager closes it
        String escalation = await().atMost(WAIT).ignoreExceptions().until(() -> as(TSE).body("""
                        {"requestType":"defect","summary":"Sign-in loops","customerImpact":"Alice is blocked"}""")
                .post(url("escalation-service", cases + "/escalations")).then().statusCode(201)
                .extract().<String>path("escalationId"), id -> id != null);
        String esc = "/escalations/" + escalation;
        as(LEAD).post(url("escalation-service", esc + "/approvals")).then().statusCode(200)
                .body("status", equalTo("AWAITING_APPROVAL"));
        // a defect needs its manager's approval too: Engineering cannot take it yet, nor see it
        as(DEV).post(url("escalation-service", esc + "/acceptance")).then().statusCode(403);
        as(DEV).get(url("escalation-service", esc)).then().statusCode(403);
        as(MAY).post(url("escalation-service", esc + "/approvals")).then().statusCode(200)
                .body("status", equalTo("APPROVED"));
        as(DEV).post(url("escalation-service", esc + "/acceptance")).then().statusCode(200)
                .body("status", equalTo("ACCEPTED"));
        as(EVE).post(url("escalation-service", esc + "/manager")).then().statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get(url("case-service", cases)).then()
                .body("escalated", equalTo(true)).body("intermediary", equalTo("em-eve")));
        // the manager is now the customer's intermediary: the engineer's public reply is refused, the manager's sent
        as(TSE).body("{\"body\":\"Any news?\"}").post(url("case-service", cases + "/replies")).then()
                .statusCode(409);
        as(EVE).body("{\"body\":\"I am Eve, your escalation manager\"}").post(url("case-service",
                cases + "/replies")).then().statusCode(200);
        as(DEV).body("{\"text\":\"Fixed in the session service\"}").post(url("escalation-service",
                esc + "/resolution")).then().statusCode(200);
        as(EVE).post(url("escalation-service", esc + "/closure")).then().statusCode(200)
                .body("status", equalTo("CLOSED"));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get(url("escalation-service", esc)).then()
                .statusCode(200).body("history.kind", equalTo(List.of("raised", "step-approved", "step-approved",
                        "approved", "accepted", "manager-assigned", "resolved", "closed")))
                .body("history.actorId", equalTo(List.of("tse-tom", "lead-lu", "mgr-may", "mgr-may", "eng-dev",
                        "em-eve", "eng-dev", "em-eve"))));
        // a second escalation, a question nobody approved yet, ends with the case: its closure withdraws it
        String question = as(TSE).body("""
                        {"requestType":"question","summary":"Is the loop known?","customerImpact":"Alice is blocked"}""")
                .post(url("escalation-service", cases + "/escalations")).then().statusCode(201)
                .extract().path("escalationId");

        // the TSE proposes a resolution (the manager's escalation over, the engineer is again the customer's
        // intermediary, once case-service has its closure), the customer confirms, the case closes; the customer
        // reopens it
        await().atMost(WAIT).untilAsserted(() -> as(TSE).get(url("case-service", cases)).then().statusCode(200)
                .body("intermediary", equalTo("tse-tom")));
        as(TSE).body("{\"summary\":\"Session service fixed\",\"knowledgeArticleId\":\"KB-7\"}")
                .post(url("case-service", cases + "/resolution")).then().statusCode(200)
                .body("status", equalTo("RESOLVED_PENDING_CONFIRMATION"));
        as(ADA).post(url("case-service", cases + "/resolution/confirmation")).then().statusCode(200)
                .body("status", equalTo("CLOSED"));
        int reopened = as(ADA).body("{\"reason\":\"It happens again\"}").post(url("case-service", cases + "/reopen"))
                .then().statusCode(200).body("status", equalTo("OPEN")).extract().path("version");
        // the views follow: the case open again (the view at the reopening's version, not still before the
        // resolution, when it was open too), Tom's, once in his queue
        await().atMost(WAIT).untilAsserted(() -> as(TSE).get(url("case-service", cases)).then().statusCode(200)
                .body("version", equalTo(reopened)).body("status", equalTo("OPEN"))
                .body("assignee", equalTo("tse-tom")));
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(TSE).queryParam("orgId", ORG).get(url("case-service",
                "/queues/mine")).then().statusCode(200).extract().jsonPath().getList("caseNumber", String.class))
                .containsOnlyOnce(caseNumber));
        await().atMost(WAIT).untilAsserted(() -> as(AUDITOR).get(url("escalation-service", "/escalations/"
                + question)).then().statusCode(200).body("escalation.status", equalTo("WITHDRAWN"))
                .body("history[-1].actorId", equalTo("system")));

        // 1. the System Log, through the SDK: the support actions on this case, in the order they happened (a
        // bounded query orders by published time; polling would give the order log-service recorded them, which
        // differs between topics). Polled once a second: 120 requests a minute per org, as the identity platform.
        SystemLogApi logs = new SystemLogApi(sdk("log-service", apiToken));
        String byCase = "debugContext.debugData.case_number eq \"" + caseNumber + "\"";
        String until = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(10).toString();
        List<String> expectedLog = List.of("user.account.reset_password", "user.session.impersonation.grant",
                "user.session.impersonation.initiate", "support.org.update", "support.org.view",
                "user.session.impersonation.end");
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(logTypes(
                logs.listLogEvents(since, until, null, byCase, null, 100, "ASCENDING")))
                .containsExactlyElementsOf(expectedLog));
        List<LogEvent> entries = logs.listLogEvents(since, until, null, byCase, null, 100, "ASCENDING");
        assertThat(entries.get(0).getActor().getId()).isEqualTo("tse-tom");
        assertThat(entries.get(1).getActor().getId()).isEqualTo("admin-sam");
        assertThat(entries.get(3).getOutcome().getResult()).hasToString("DENY");

        // 2. the case timeline (support's view) tells the same story, in the same order
        List<String> story = List.of("io.casetrail.case.opened.v1", "io.casetrail.case.assigned.v1",
                "io.casetrail.case.information-requested.v1", "io.casetrail.case.reply-posted.v1",
                "io.casetrail.orgadmin.consent-given.v1", "io.casetrail.orgadmin.password-reset-sent.v1",
                "io.casetrail.access.session-started.v1", "io.casetrail.orgadmin.impersonation-write-refused.v1",
                "io.casetrail.orgadmin.org-researched.v1", "io.casetrail.access.session-ended.v1",
                "io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.approved.v1", "io.casetrail.escalation.accepted.v1",
                "io.casetrail.escalation.manager-assigned.v1", "io.casetrail.case.reply-posted.v1",
                "io.casetrail.escalation.closed.v1",
                "io.casetrail.case.resolution-proposed.v1", "io.casetrail.case.closed.v1",
                "io.casetrail.case.reopened.v1");
        // and all of it, each once (the SLA clock's bookkeeping aside, whose moments depend on the timing of the run;
        // in any order: the withdrawal of the question, and the expiry of the consent still live, follow the closure
        // by a consumer's moment, the reopening may come first)
        List<String> everything = List.of("io.casetrail.case.opened.v1", "io.casetrail.case.assigned.v1",
                "io.casetrail.case.information-requested.v1", "io.casetrail.case.reply-posted.v1",
                "io.casetrail.orgadmin.consent-given.v1", "io.casetrail.orgadmin.password-reset-sent.v1",
                "io.casetrail.access.granted.v1", "io.casetrail.access.session-started.v1",
                "io.casetrail.orgadmin.impersonation-write-refused.v1", "io.casetrail.orgadmin.org-researched.v1",
                "io.casetrail.access.session-ended.v1",
                "io.casetrail.escalation.raised.v1", "io.casetrail.escalation.step-approved.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.approved.v1",
                "io.casetrail.escalation.accepted.v1",
                "io.casetrail.escalation.manager-assigned.v1", "io.casetrail.case.reply-posted.v1",
                "io.casetrail.escalation.resolved.v1", "io.casetrail.escalation.closed.v1",
                "io.casetrail.escalation.raised.v1", "io.casetrail.case.resolution-proposed.v1",
                "io.casetrail.case.closed.v1", "io.casetrail.escalation.withdrawn.v1",
                "io.casetrail.orgadmin.consent-expired.v1", "io.casetrail.case.reopened.v1");
        await().atMost(WAIT).untilAsserted(() -> {
            List<Map<String, Object>> read = timeline(cases);
            assertThat(types(read)).containsSubsequence(story);
            assertThat(types(read).stream().filter(type -> !type.startsWith("io.casetrail.case.sla-clock-")))
                    .containsExactlyInAnyOrderElementsOf(everything);
            assertThat(read.stream().map(e -> e.get("id"))).doesNotHaveDuplicates();
        });
        List<Map<String, Object>> timeline = timeline(cases);
        // the System Log's entries are the timeline's: the same events (an entry's uuid is its event's id), by the
        // same people, in the same order
        List<String> inTheSystemLog = List.of("io.casetrail.orgadmin.password-reset-sent.v1", "io.casetrail.access.granted.v1",
                "io.casetrail.access.session-started.v1", "io.casetrail.orgadmin.impersonation-write-refused.v1",
                "io.casetrail.orgadmin.org-researched.v1", "io.casetrail.access.session-ended.v1");
        List<Map<String, Object>> inLog = timeline.stream().filter(e -> inTheSystemLog.contains(e.get("type")))
                .toList();
        assertThat(types(inLog)).containsExactlyElementsOf(inTheSystemLog);
        for (int i = 0; i < inTheSystemLog.size(); i++) {
            Map<String, Object> shown = inLog.get(i);
            assertThat(((String) shown.get("id")).replaceFirst(":" + caseNumber + "$", "")).as(inTheSystemLog.get(i))
                    .isEqualTo(entries.get(i).getUuid());
            assertThat(shown.get("actorId")).as(inTheSystemLog.get(i)).isEqualTo(entries.get(i).getActor().getId());
        }

        // 3. the internal logs hold every event of the case, each once, the ones the timeline shows; their chain
        // verifies, outside log-service too, against the checkpoint key log-service was given
        Set<String> timelineEvents = timeline.stream().map(e -> (String) e.get("id"))
                .map(id -> id.replaceFirst(":" + caseNumber + "$", "")).collect(Collectors.toSet());
        await().atMost(WAIT).untilAsserted(() -> {
            List<String> logged = as(AUDITOR).queryParam("orgId", ORG).queryParam("limit", 1000)
                    .get(url("log-service", "/internal-logs")).then().statusCode(200).extract().jsonPath()
                    .<Map<String, Object>>getList("").stream().filter(e -> "EVENT".equals(e.get("kind"))
                            && (caseNumber.equals(e.get("caseNumber")) || timelineEvents.contains(e.get("entryId"))))
                    .map(e -> (String) e.get("entryId")).toList();
            assertThat(logged).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(timelineEvents);
        });
        as(AUDITOR).get(url("log-service", "/internal-logs/verify")).then().statusCode(200)
                .body("verified", equalTo(true));
        assertThat(audit("verify", "--log-service", stack.url("log-service"), "--key-sha256", CHECKPOINT_KEY,
                "--checkpoint-every", String.valueOf(Stack.CHECKPOINT_EVERY)))
                .isEqualTo(0);

        // 4. an audit replay of the org, by the ops tool: no gap, no duplicate, the System Log it rebuilds from the
        // topics is the one log-service serves
        Path report = Path.of("target/audit-story");
        assertThat(audit("replay", "--kafka", stack.kafka(), "--log-service", stack.url("log-service"), "--org", ORG,
                "--report", report.toString())).isEqualTo(0);
        JsonNode replay = JSON.readTree(report.resolve("audit-report.json").toFile());
        assertThat(replay.path("healthy").asBoolean()).isTrue();
        for (String differences : List.of("gaps", "duplicates", "missing", "unexpected", "changed")) {
            assertThat(replay.path(differences).isArray()).as(differences).isTrue();
            assertThat(replay.path(differences)).as(differences).isEmpty();
        }
        int orgEntries = logs.listLogEvents(since, until, null, null, null, 1000, "ASCENDING").size();
        assertThat(orgEntries).isGreaterThanOrEqualTo(expectedLog.size());
        assertThat(replay.path("liveEntries").asInt()).isEqualTo(orgEntries);
        assertThat(replay.path("expectedEntries").asInt()).isEqualTo(orgEntries);

        // 5. and the case's timeline replayed from case-service's event store is the one it showed (entries of one
        // instant in the order of their ids: the replay writes case-service's own after the other services')
        List<Map<String, Object>> shown = byTimeAndId(timeline(cases));
        as(OPERATOR).post(url("case-service", "/ops/projections/case-timeline/rebuild")).then().statusCode(202)
                .body("name", equalTo("case-timeline")).body("replaying", equalTo(true));
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(OPERATOR).get(url("case-service", "/ops/projections"))
                .then().statusCode(200).extract().jsonPath().getList("findAll { it.name == 'case-timeline' }.replaying",
                        Boolean.class)).containsExactly(false));
        assertThat(byTimeAndId(timeline(cases))).isEqualTo(shown);
    }

    private static List<Map<String, Object>> byTimeAndId(List<Map<String, Object>> timeline) {
        return timeline.stream().sorted(Comparator.comparing((Map<String, Object> e) -> (String) e.get("occurredAt"))
                .thenComparing(e -> (String) e.get("id"))).toList();
    }

    private static List<Map<String, Object>> timeline(String cases) {
        return as(TSE).queryParam("limit", 200).get(url("case-service", cases + "/timeline")).then().statusCode(200)
                .extract().jsonPath().getList("");
    }

    private static List<String> types(List<Map<String, Object>> timeline) {
        return timeline.stream().map(e -> (String) e.get("type")).toList();
    }

    /** Runs the packaged casetrail-audit tool as a process; its exit code. */
    static int audit(String... arguments) throws Exception {
        Path root = Path.of(System.getProperty("casetrail.root", "..")).toAbsolutePath().normalize();
        Path jar = root.resolve("tools/audit/target/casetrail-audit-0.1.0-SNAPSHOT.jar");
        String classpath = jar + ":" + Files.readString(root.resolve("tools/audit/target/classpath.txt")).trim();
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "java").toString(), "-cp", classpath, "io.casetrail.audit.AuditCli"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("--token", AUDITOR));
        Path output = Files.createDirectories(Path.of("target/logs")).resolve("casetrail-audit.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile())).start();
        return process.waitFor();
    }

    private static String fingerprint(java.security.PublicKey key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static com.okta.sdk.resource.client.ApiClient sdk(String service, String apiToken) {
        return Clients.builder().setOrgUrl(stack.url(service))
                .setClientCredentials(new TokenClientCredentials(apiToken)).build();
    }

    private static List<String> logTypes(List<LogEvent> events) {
        return events.stream().map(LogEvent::getEventType).toList();
    }
}
