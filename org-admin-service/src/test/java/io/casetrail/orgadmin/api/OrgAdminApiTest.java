package io.casetrail.orgadmin.api;

import static io.casetrail.testing.TopicReader.header;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;

import io.casetrail.events.Actor;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.Topics;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SessionEndReason;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseClosed;
import io.casetrail.events.cases.CaseOpened;
import io.casetrail.events.cases.CaseReopened;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.events.cases.CloseReason;
import io.casetrail.events.cases.ContactRemoved;
import io.casetrail.events.cases.ContactPreference;
import io.casetrail.events.cases.Priority;
import io.casetrail.events.cases.ProductArea;
import io.casetrail.events.escalation.ApprovalRule;
import io.casetrail.events.escalation.ApprovalStep;
import io.casetrail.events.escalation.EscalationClosed;
import io.casetrail.events.escalation.EscalationManagerAssigned;
import io.casetrail.events.escalation.EscalationRaised;
import io.casetrail.orgadmin.GreenMailResource;
import io.casetrail.orgadmin.command.PasswordHashes;
import io.casetrail.orgadmin.directory.DirectoryStore;
import io.casetrail.orgadmin.query.EscalationManagers;
import io.casetrail.platform.errors.RuleViolation;
import io.casetrail.platform.security.Roles;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.testing.HeldRows;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.Links;
import io.casetrail.testing.LockWaits;
import io.casetrail.platform.cases.KnownCases;
import io.casetrail.testing.MovableClock;
import io.casetrail.testing.SessionTokenMinter;
import io.casetrail.testing.TestEvents;
import io.casetrail.testing.TokenMinter;
import io.casetrail.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Org research, consent and the consented actions through the API, on a real broker, a real database and a real
 * SMTP server; and the read-only admin view of an impersonation session.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(GreenMailResource.class)
class OrgAdminApiTest {

    static final TokenMinter MINT = TokenMinter.forTests();
    static final String RUN = Long.toString(System.nanoTime(), 36);
    static final String ORG = "org-adm-" + RUN;
    static final java.util.concurrent.atomic.AtomicInteger CASES = new java.util.concurrent.atomic.AtomicInteger();
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).name("Ada").sign();
    static final String BO = MINT.token("admin-bo").role(Roles.ORG_ADMIN).org(ORG).sign();
    static final String ZED = MINT.token("admin-zed").role(Roles.ORG_ADMIN).org(ORG).sign();
    static final String OZ = MINT.token("admin-oz").role(Roles.ORG_ADMIN).org("org-elsewhere").sign();
    static final String TOM = MINT.token("tse-tom").role(Roles.SUPPORT_ENGINEER).team("sso").name("Tom").sign();
    static final String TIA = MINT.token("tse-tia").role(Roles.SUPPORT_ENGINEER).team("sso").sign();
    static final String OPERATOR = MINT.token("ops-olga").role(Roles.PLATFORM_OPERATOR).sign();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String RESET_BOB = "/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-password";
    static boolean seeded;

    /** Each test works on a case of its own (consents are per case), in the one org. */
    String caseNumber;

    @Inject
    DataSource dataSource;

    @Inject
    Jdbc jdbc;

    @Inject
    MovableClock clock;

    @Inject
    KnownCases knownCases;

    @Inject
    EscalationManagers escalationManagers;

    @Inject
    DirectoryStore directoryStore;

    @Inject
    io.casetrail.orgadmin.command.IdentityPlatform identityPlatform;

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    /** Tests move the clock (consents expire); each starts from real time, as sessions are timed by it. */
    @AfterEach
    void realTime() {
        clock.reset();
    }

    @BeforeEach
    void caseAndDirectory() {
        if (!seeded) {
            seeded = true;
            as(OPERATOR).body(directory()).put("/orgs/" + ORG + "/directory").then().statusCode(200)
                    .body("users", equalTo(3)).body("features", equalTo(2));
        }
        caseNumber = String.format("6%07d", (System.nanoTime() / 1000 + CASES.incrementAndGet()) % 10_000_000);
        Actor ada = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 0, new CaseOpened(caseNumber, ORG, "https://adm.okta.com",
                "Users locked out", "d", ProductArea.MFA, Priority.P2, ContactPreference.EMAIL, "admin-ada",
                List.of("admin-bo"), "sso", null, ada));
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 2, new CaseAssigned(caseNumber, ORG, "tse-tom", null,
                CaseStatus.OPEN, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get("/cases/" + caseNumber + "/consents").then().statusCode(200));
        // the assignment too, as Tom's requests are checked against it
        await().atMost(WAIT).until(() -> knownCases.find(caseNumber).map(KnownCases.KnownCase::assignee)
                .filter("tse-tom"::equals).isPresent());
    }

    private static String directory() {
        return """
                {"org":{"id":"%s","name":"Adm Corp","url":"https://adm.okta.com"},
                 "users":[
                   {"id":"00u1alice","login":"alice@adm.example","firstName":"Alice","lastName":"Ng",
                    "email":"alice@adm.example","secondEmail":"alice.ng@home.example","status":"ACTIVE",
                    "factors":[{"id":"f1","factorType":"push","provider":"OKTA","status":"ACTIVE"},
                               {"id":"f2","factorType":"sms","provider":"OKTA","status":"ACTIVE"}]},
                   {"id":"00u2bob","login":"bob@adm.example","firstName":"Bob","lastName":"Ray",
                    "email":"bob@adm.example","status":"ACTIVE","factors":[]},
                   {"id":"00u3cy","login":"cy@adm.example","firstName":"Cy","lastName":"Left",
                    "email":"cy@adm.example","secondEmail":"cy@home.example","status":"DEPROVISIONED",
                    "factors":[]}],
                 "groups":[{"id":"00g1","name":"Engineering","description":"Builders","members":["00u1alice"]},
                           {"id":"00g2","name":"Support","description":"Helpers","members":[]}],
                 "applications":[{"id":"0oa1","name":"salesforce","label":"Salesforce","status":"ACTIVE",
                                  "signOnMode":"SAML_2_0"}],
                 "policies":[{"id":"00p1","type":"OKTA_SIGN_ON","name":"Default sign-on","status":"ACTIVE",
                              "rules":[{"id":"0pr1","name":"Require MFA off-network","actions":{"mfa":true}}]},
                             {"id":"00p2","type":"PASSWORD","name":"Default password","status":"ACTIVE",
                              "rules":[{"id":"0pr2","name":"Min length 12"}]}],
                 "profileMappings":[{"id":"prm1","source":"ad","target":"okta","properties":{"login":"upn"}}],
                 "profileSources":[{"id":"0oaAD","name":"Active Directory","type":"AD","status":"ACTIVE"}],
                 "features":[{"id":"ftrBASE","name":"Base feature","status":"DISABLED","dependencies":[]},
                             {"id":"ftrBETA","name":"Beta feature","status":"DISABLED","stage":{"value":"BETA",
                              "state":"OPEN"},"dependencies":["ftrBASE"]}]}
                """.formatted(ORG);
    }

    private String consent(String token, String kinds, String users) {
        return as(token).body("{\"actionKinds\":[" + kinds + "],\"targetUserIds\":[" + users + "]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(201).extract().path("consentId");
    }

    private static String type(ConsumerRecord<String, byte[]> record) {
        return header(record, "ce_type");
    }

    private long stored(String payloadType) {
        return stored(caseNumber, payloadType);
    }

    /** The events of a type stored on a case's aggregate (of every type: {@code ""}). */
    private long stored(String aggregate, String payloadType) {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE ?", row -> row.getLong(1), aggregate, "%" + payloadType).orElseThrow();
    }

    private long importsStored() {
        return jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE payloadtype LIKE ?", row -> row.getLong(1),
                "%OrgDirectoryImported").orElseThrow();
    }

    private io.restassured.response.Response post(String path) {
        return as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post(path).then().extract().response();
    }

    /** What arrived in the address's mailbox (a message to several addresses arrives in each). */
    private static List<MimeMessage> mailTo(String address) {
        GreenMail mail = GreenMailResource.mail();
        GreenMailUser user = mail.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        try {
            return mail.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                    .map(StoredMessage::getMimeMessage).toList();
        } catch (FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- actions and their e-mail ----------------------------------------------------------------------------

    @Test
    void passwordResetLinkReachesTheUsersAddress() {
        consent(ADA, "\"RESET_PASSWORD\"", "\"00u1alice\"");
        int before = mailTo("alice@adm.example").size();
        post("/orgs/" + ORG + "/users/alice@adm.example/lifecycle/reset-password").then().statusCode(200).body("status", equalTo("DONE")).body("target", equalTo("00u1alice"));
        // handed to the server before the answer: there already, exactly one
        assertThat(mailTo("alice@adm.example")).hasSize(before + 1);
        String body = GreenMailUtil.getBody(mailTo("alice@adm.example").get(before));
        assertThat(body).contains("https://adm.okta.com/reset_password/");
        assertThat(stored("PasswordResetSent")).isEqualTo(1);
        as(TOM).get("/orgs/" + ORG + "/users/00u1alice?caseNumber=" + caseNumber).then().statusCode(200)
                .body("status", equalTo("RECOVERY"));
    }

    /**
     * The reset's event is appended before its e-mail goes: when the append fails (here a constraint refuses it; the
     * event store's unique key does when another instance appended to the case first), no link is mailed.
     */
    @Test
    void noResetLinkIsMailedUnlessTheResetIsRecorded() {
        consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        int before = mailTo("bob@adm.example").size();
        String status = as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then()
                .statusCode(200).extract().path("status");
        jdbc.update("ALTER TABLE domainevententry ADD CONSTRAINT test_no_reset CHECK (aggregateidentifier <> '"
                + caseNumber + "' OR payloadtype NOT LIKE '%PasswordResetSent')");
        try {
            post("/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-password").then().statusCode(500);
        } finally {
            jdbc.update("ALTER TABLE domainevententry DROP CONSTRAINT test_no_reset");
        }
        assertThat(mailTo("bob@adm.example")).hasSize(before);
        assertThat(stored("PasswordResetSent")).isZero();
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body("status", equalTo(status));
    }

    /**
     * An address in the directory that is none (one imported before imports checked them) is the directory's fault:
     * 409, nothing changed, not a 503 whose "try again" never helps.
     */
    @Test
    void aResetToAnAddressThatIsNoneIsRefusedAndChangesNothing() {
        consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        String status = as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then()
                .statusCode(200).extract().path("status");
        jdbc.update("UPDATE dir_user SET email = 'bob smith@adm.example' WHERE org_id = ? AND id = '00u2bob'", ORG);
        try {
            post("/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-password").then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/unmailable-address"));
        } finally {
            jdbc.update("UPDATE dir_user SET email = 'bob@adm.example' WHERE org_id = ? AND id = '00u2bob'", ORG);
        }
        assertThat(stored("PasswordResetSent")).isZero();
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body("status", equalTo(status));
    }

    @Test
    void temporaryPasswordReachesBothAddressesAndAppearsNowhereElse() throws Exception {
        consent(BO, "\"TEMPORARY_PASSWORD\"", "");
        int primary = mailTo("alice@adm.example").size();
        int secondary = mailTo("alice.ng@home.example").size();
        String answer = post("/orgs/" + ORG + "/users/00u1alice/lifecycle/temporary-password").then()
                .statusCode(200).body("recipients", equalTo(2)).extract().asString();

        // one message to each address, both there before the answer, with the same password
        assertThat(mailTo("alice@adm.example")).hasSize(primary + 1);
        assertThat(mailTo("alice.ng@home.example")).hasSize(secondary + 1);
        String password = password(GreenMailUtil.getBody(mailTo("alice.ng@home.example").get(secondary)));
        assertThat(password(GreenMailUtil.getBody(mailTo("alice@adm.example").get(primary)))).isEqualTo(password);
        assertThat(password).hasSize(16);

        assertThat(answer).doesNotContain(password);
        List<String> stored = jdbc.query("SELECT payload, metadata FROM domainevententry", row ->
                new String(row.getBytes(1), StandardCharsets.UTF_8) + (row.getBytes(2) == null ? ""
                        : new String(row.getBytes(2), StandardCharsets.UTF_8)));
        assertThat(stored).noneMatch(s -> s.contains(password));
        assertThat(jdbc.query("SELECT payload FROM snapshotevententry", row -> new String(row.getBytes(1),
                StandardCharsets.UTF_8))).noneMatch(s -> s.contains(password));
        String sent = "io.casetrail.orgadmin.temporary-password-sent.v1";
        TopicReader.readUntil(Topics.ORG_ADMIN, read -> read.stream()
                .anyMatch(r -> caseNumber.equals(r.key()) && sent.equals(type(r))), WAIT);
        // the event itself is there once, and neither it nor anything else on the topic (read to its end) holds the
        // password, nor any request log
        List<ConsumerRecord<String, byte[]>> published = TopicReader.readAll(Topics.ORG_ADMIN);
        assertThat(published.stream().filter(r -> caseNumber.equals(r.key())).map(OrgAdminApiTest::type))
                .containsOnlyOnce(sent);
        assertThat(published).noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(password));
        assertThat(TopicReader.readAll(Topics.LOG))
                .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(password));
        assertThat(Files.readString(Path.of("target/org-admin-test.log"))).doesNotContain(password);
        as(TOM).get("/orgs/" + ORG + "/users/00u1alice?caseNumber=" + caseNumber).then()
                .body("status", equalTo("PASSWORD_EXPIRED"));
        // the user signs in with what was e-mailed: its hash is kept, never the password
        String hash = jdbc.queryOne("SELECT password_hash FROM dir_user WHERE org_id = ? AND id = ?",
                row -> row.getString(1), ORG, "00u1alice").orElseThrow();
        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain(password);
        assertThat(PasswordHashes.matches(password, hash)).isTrue();
        assertThat(PasswordHashes.matches(password + "x", hash)).isFalse();
        // a reset link sent afterwards is the only way in: the temporary password stops working
        consent(BO, "\"RESET_PASSWORD\"", "");
        post("/orgs/" + ORG + "/users/00u1alice/lifecycle/reset-password").then().statusCode(200);
        assertThat(jdbc.queryOne("SELECT password_hash FROM dir_user WHERE org_id = ? AND id = ?",
                row -> Optional.ofNullable(row.getString(1)), ORG, "00u1alice").orElseThrow()).isEmpty();
    }

    /**
     * A password brings back no user the org deactivated (nor one suspended or not yet activated): the identity
     * platform takes password actions in ACTIVE, PASSWORD_EXPIRED, LOCKED_OUT and RECOVERY only.
     */
    @Test
    void aDeactivatedUsersPasswordIsNeitherResetNorReplaced() {
        consent(ADA, "\"RESET_PASSWORD\",\"TEMPORARY_PASSWORD\"", "");
        int mails = mailTo("cy@adm.example").size() + mailTo("cy@home.example").size();
        for (String action : List.of("reset-password", "temporary-password")) {
            post("/orgs/" + ORG + "/users/00u3cy/lifecycle/" + action).then().statusCode(409)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/user-status"))
                    .body("detail", containsString("00u3cy is DEPROVISIONED"));
        }
        assertThat(stored("PasswordResetSent") + stored("TemporaryPasswordSent")).isZero();
        assertThat(mailTo("cy@adm.example").size() + mailTo("cy@home.example").size()).isEqualTo(mails);
        assertThat(jdbc.queryOne("SELECT status || '|' || COALESCE(password_hash, '') || '|'"
                + " || COALESCE(recovery_token_hash, '') FROM dir_user WHERE org_id = ? AND id = ?",
                row -> row.getString(1), ORG, "00u3cy")).contains("DEPROVISIONED||");
    }

    @Test
    void withTheMailServerDownTheActionIsRefusedAndNothingChangesThenItGoesThrough() {
        consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        String reset = "/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-password";
        GreenMailResource.mail().stop();
        try {
            post(reset).then().statusCode(503).contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/mail-not-sent"))
                    .body("detail", containsString("nothing was changed"));
        } finally {
            GreenMailResource.mail().start();
        }
        assertThat(stored("PasswordResetSent")).isZero();
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body("status", equalTo("ACTIVE"));

        int before = mailTo("bob@adm.example").size();
        post(reset).then().statusCode(200).body("status", equalTo("DONE"));
        assertThat(stored("PasswordResetSent")).isEqualTo(1);
        assertThat(mailTo("bob@adm.example")).hasSize(before + 1);
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body("status", equalTo("RECOVERY"));
    }

    private static String password(String mail) {
        Matcher m = Pattern.compile("\\n\\s*\\n([A-Za-z0-9]{16})\\s*\\n").matcher(mail.replace("\r", ""));
        assertThat(m.find()).as("a temporary password in: " + mail).isTrue();
        return m.group(1);
    }

    /**
     * The request log of research (the case in its query) and of an action (the case in its body) is filed under the
     * case, as that of an endpoint with the case in its path: the internal log shows it to support working that case,
     * not to every engineer of the org.
     */
    @Test
    void requestLogsOfResearchAndActionsNameTheirCase() throws Exception {
        consent(ADA, "\"RESET_MFA\"", "\"00u3cy\"");
        String research = "research-" + UUID.randomUUID();
        String action = "action-" + UUID.randomUUID();
        as(TOM).header("X-Request-Id", research).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&q=cy")
                .then().statusCode(200);
        as(TOM).header("X-Request-Id", action).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post("/orgs/" + ORG + "/users/00u3cy/lifecycle/reset-factors").then().statusCode(200);
        List<ConsumerRecord<String, byte[]>> logs = TopicReader.readUntil(Topics.LOG, read -> read.stream()
                .filter(r -> research.equals(header(r, "ce_correlationid")) || action.equals(header(r,
                        "ce_correlationid"))).count() >= 2, WAIT);
        for (String id : List.of(research, action)) {
            ConsumerRecord<String, byte[]> log = logs.stream().filter(r -> id.equals(header(r, "ce_correlationid")))
                    .findFirst().orElseThrow();
            assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(log.value()).path("caseNumber").asText()).as(id).isEqualTo(caseNumber);
            assertThat(header(log, "ce_caseid")).as(id).isEqualTo(caseNumber);
        }
    }


    @Test
    void mfaResetRemovesEveryFactorAndFeatureFlagsKeepTheirDependencies() {
        consent(ADA, "\"RESET_MFA\",\"FEATURE_FLAG\"", "");
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u1alice/lifecycle"
                + "/reset-factors").then().statusCode(200).body("factorsRemoved", equalTo(List.of("push", "sms")));
        as(TOM).get("/orgs/" + ORG + "/users/00u1alice?caseNumber=" + caseNumber).then().body("factors", empty());

        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBETA/enable")
                .then().statusCode(409).body("detail", containsString("ftrBASE"));
        // force is true or false, never a number or a text taken for one
        for (String force : List.of("2", "\"true\"", "1.0", "\"\"")) {
            as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\",\"force\":" + force + "}").post("/orgs/" + ORG
                    + "/features/ftrBETA/enable").then().statusCode(400).contentType("application/problem+json")
                    .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                    .body("detail", containsString("force"));
        }
        assertThat(stored("FeatureFlagChanged")).isZero();
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\",\"force\":true}").post("/orgs/" + ORG
                + "/features/ftrBETA/enable").then().statusCode(200).body("enabled", equalTo(true));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBETA/disable")
                .then().statusCode(200);
        // force asked for where nothing stood in the way: the change is on record as not forced
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\",\"force\":true}").post("/orgs/" + ORG
                + "/features/ftrBASE/enable").then().statusCode(200).body("enabled", equalTo(true));
        assertThat(stored("FeatureFlagChanged")).isEqualTo(3);
        assertThat(jdbc.query("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE '%FeatureFlagChanged' ORDER BY sequencenumber", row -> new String(row.getBytes(1),
                StandardCharsets.UTF_8).contains("\"forced\":true"), caseNumber)).containsExactly(true, false, false);
        // a flag already as asked (a retry without a key): 200, nothing done, nothing on record; after a forced
        // enable, enabling again is no longer refused for the disabled dependency
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBASE/enable")
                .then().statusCode(200).body("enabled", equalTo(true));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBASE/disable")
                .then().statusCode(200);
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\",\"force\":true}").post("/orgs/" + ORG
                + "/features/ftrBETA/enable").then().statusCode(200);
        long changes = stored("FeatureFlagChanged");
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBETA/enable")
                .then().statusCode(200).body("enabled", equalTo(true));
        assertThat(stored("FeatureFlagChanged")).isEqualTo(changes).isEqualTo(5);
        // as the test found the flags after its first changes, for the others
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBETA/disable")
                .then().statusCode(200);
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBASE/enable")
                .then().statusCode(200);
    }

    /**
     * Flag changes of one org go one after the other: each is checked against the org's other flags, and two
     * checked side by side (enabling a flag while its dependency is being disabled) would both pass. Another
     * change holding the org here, the request waits for it.
     */
    @Test
    void aFlagChangeWaitsForAnotherChangeOfTheOrgsFlags() throws Exception {
        consent(ADA, "\"FEATURE_FLAG\"", "");
        try (HeldRows other = HeldRows.hold(dataSource, "SELECT org_id FROM dir_org WHERE org_id = ? FOR UPDATE",
                ORG)) {
            CompletableFuture<io.restassured.response.Response> change = CompletableFuture.supplyAsync(() ->
                    post("/orgs/" + ORG + "/features/ftrBETA/disable"));
            LockWaits.awaitWaiter(dataSource, "FROM dir_org", WAIT);
            assertThat(change).isNotDone();
            other.commit();
            change.get(60, TimeUnit.SECONDS).then().statusCode(200).body("enabled", equalTo(false));
        }
    }

    /** Two first imports of an org at the same moment: the second waits for the first, then replaces it. */
    @Test
    void aFirstImportWaitsForAnotherFirstImportOfTheOrg() throws Exception {
        String org = "org-new-" + UUID.randomUUID();
        try (HeldRows first = HeldRows.hold(dataSource, "INSERT INTO dir_org (org_id, name, org_url, imported_at)"
                + " VALUES (?, 'First', 'https://first.okta.com', CURRENT_TIMESTAMP)", org)) {
            CompletableFuture<io.restassured.response.Response> second = CompletableFuture.supplyAsync(() ->
                    as(OPERATOR).body(directory().replace(ORG, org)).put("/orgs/" + org + "/directory"));
            LockWaits.awaitWaiter(dataSource, "INSERT INTO dir_org", WAIT);
            assertThat(second).isNotDone();
            first.commit();
            second.get(60, TimeUnit.SECONDS).then().statusCode(200).body("users", equalTo(3));
        }
        as(OPERATOR).get("/orgs/" + org + "/directory").then().statusCode(200);
        assertThat(jdbc.queryOne("SELECT name FROM dir_org WHERE org_id = ?", row -> row.getString(1), org))
                .contains("Adm Corp");
    }

    /**
     * An MFA reset takes the org first, as an import does: an import replacing the user's factors between the
     * reset's read and its delete would leave the reset recording factors other than those it removed.
     */
    @Test
    void anMfaResetWaitsForAnImportOfTheOrg() throws Exception {
        as(OPERATOR).body(directory()).put("/orgs/" + ORG + "/directory").then().statusCode(200); // Alice's factors
        consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        try (HeldRows importing = HeldRows.hold(dataSource, "SELECT org_id FROM dir_org WHERE org_id = ? FOR UPDATE",
                ORG)) {
            CompletableFuture<io.restassured.response.Response> reset = CompletableFuture.supplyAsync(() ->
                    as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG
                            + "/users/00u1alice/lifecycle/reset-factors"));
            LockWaits.awaitWaiter(dataSource, "FROM dir_org", WAIT);
            assertThat(reset).isNotDone();
            importing.commit();
            reset.get(60, TimeUnit.SECONDS).then().statusCode(200)
                    .body("factorsRemoved", equalTo(List.of("push", "sms")));
        }
    }

    /**
     * A directory import takes the org's row before it touches the org's flags, as a flag change does: in the
     * other order, an import and a flag change each hold what the other waits for (a deadlock, one of them failed).
     */
    @Test
    void aDirectoryImportTakesTheOrgBeforeItsFlags() throws Exception {
        try (HeldRows change = HeldRows.hold(dataSource, "SELECT org_id FROM dir_org WHERE org_id = ? FOR UPDATE",
                ORG)) {
            CompletableFuture<io.restassured.response.Response> imported = CompletableFuture.supplyAsync(() ->
                    as(OPERATOR).body(directory()).put("/orgs/" + ORG + "/directory"));
            LockWaits.awaitWaiter(dataSource, "SELECT org_id FROM dir_org", WAIT);
            // waiting for the org, the import holds none of its flags (taken first, this would wait, and time out)
            try (HeldRows flags = HeldRows.hold(dataSource, "SELECT id FROM dir_feature WHERE org_id = ? FOR UPDATE",
                    ORG)) {
                flags.commit();
            }
            change.commit();
            imported.get(60, TimeUnit.SECONDS).then().statusCode(200).body("features", equalTo(2));
        }
    }

    // --- refusals --------------------------------------------------------------------------------------------

    @Test
    void actionWithoutConsentIsRefusedWithItsReasonAndRecorded() {
        long before = stored("AdminActionRefused");
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                        + "/reset-password").then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/consent-required"))
                .body("detail", containsString("the refusal is recorded"));
        assertThat(stored("AdminActionRefused")).isEqualTo(before + 1);
    }

    @Test
    void aFlagTheOrgDoesNotHaveIsNotFoundAndNoRefusalIsRecorded() {
        long before = stored("AdminActionRefused");
        String unknown = "ftr" + "X".repeat(300);
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/" + unknown
                + "/enable").then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("has no feature flag"));
        assertThat(stored("AdminActionRefused")).isEqualTo(before);
        // a flag it has, without consent: refused and recorded
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/features/ftrBETA/enable")
                .then().statusCode(403);
        assertThat(stored("AdminActionRefused")).isEqualTo(before + 1);
    }

    @Test
    void aConsentNoLongerCountsOnceWhoGaveItIsRemovedFromTheCase() {
        consent(BO, "\"RESET_MFA\"", "\"00u1alice\"");
        String reset = "/orgs/" + ORG + "/users/00u1alice/lifecycle/reset-factors";
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, new ContactRemoved(caseNumber, ORG, "admin-bo",
                new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN)));
        await().atMost(WAIT).until(() -> !knownCases.isOpenerOrContact(caseNumber, "admin-bo"));
        long refused = stored("AdminActionRefused");
        post(reset).then().statusCode(403).body("detail", containsString("admin-bo, no longer the case's opener"));
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 1);
        assertThat(stored("MfaFactorsReset")).isZero();
        // the opener's consent still counts
        consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        post(reset).then().statusCode(200);
    }

    @Test
    void aRefusedActionRetriedWithItsIdempotencyKeyGetsItsFirstAnswerAndIsNotRecordedAgain() {
        String reset = "/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-password";
        String key = "reset-bob-" + caseNumber;
        String body = "{\"caseNumber\":\"" + caseNumber + "\"}";
        long refused = stored("AdminActionRefused");
        String first = as(TOM).header("Idempotency-Key", key).body(body).post(reset).then().statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/consent-required")).extract().asString();
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 1);
        // a client that lost the answer sends it again: the refusal is answered as it was, and not recorded twice
        assertThat(as(TOM).header("Idempotency-Key", key).body(body).post(reset).then().statusCode(403)
                .contentType("application/problem+json").header("Idempotent-Replayed", "true").extract().asString())
                .isEqualTo(first);
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 1);
        // once consent is given, the same key still answers what it answered; trying again is a new request
        consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        as(TOM).header("Idempotency-Key", key).body(body).post(reset).then().statusCode(403)
                .header("Idempotent-Replayed", "true");
        assertThat(stored("PasswordResetSent")).isZero();
        String again = key + "-after-consent";
        as(TOM).header("Idempotency-Key", again).body(body).post(reset).then()
                .statusCode(200).header("Idempotent-Replayed", nullValue()).body("status", equalTo("DONE"));
        assertThat(stored("PasswordResetSent")).isEqualTo(1);
        as(TOM).header("Idempotency-Key", again).body(body).post(reset).then()
                .statusCode(200).header("Idempotent-Replayed", "true");
        assertThat(stored("PasswordResetSent")).isEqualTo(1);
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 1);
    }

    @Test
    void expiredWithdrawnAndMismatchedConsentsAllowNothing() {
        long refused = stored("AdminActionRefused");
        int bobsMail = mailTo("bob@adm.example").size();
        String shortLived = as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\"],\"targetUserIds\":[\"00u2bob\"],"
                + "\"validForHours\":1}").post("/cases/" + caseNumber + "/consents").then().statusCode(201).extract()
                .path("consentId");
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get("/cases/" + caseNumber + "/consents/" + shortLived)
                .then().statusCode(200).body("status", equalTo("ACTIVE")));
        clock.advance(Duration.ofHours(2));
        // shown expired at once, as the actions treat it, before its expiry (a polled deadline) is recorded
        as(ADA).get("/cases/" + caseNumber + "/consents/" + shortLived).then().statusCode(200)
                .body("status", equalTo("EXPIRED"));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                + "/reset-password").then().statusCode(403).body("detail", containsString("expired"));

        String withdrawn = consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        // an engineer of the case's team who does not hold it withdraws nothing
        as(TIA).post("/cases/" + caseNumber + "/consents/" + withdrawn + "/withdrawal").then().statusCode(403)
                .contentType("application/problem+json");
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get("/cases/" + caseNumber + "/consents/" + withdrawn)
                .then().statusCode(200).body("status", equalTo("ACTIVE")));  // (the view is projected moments later)
        assertThat(stored("ConsentWithdrawn")).isZero();
        as(BO).post("/cases/" + caseNumber + "/consents/" + withdrawn + "/withdrawal").then().statusCode(204);
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG
                + "/users/00u2bob/lifecycle/reset-password").then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required"))
                .body("detail", containsString("withdrawn"));

        consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                + "/reset-factors").then().statusCode(403).body("detail", containsString("00u2bob"));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                + "/temporary-password").then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required"));

        // each refusal recorded, and nothing done: no action of any kind, no mail to Bob
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 4);
        assertThat(stored("PasswordResetSent")).isZero();
        assertThat(stored("MfaFactorsReset")).isZero();
        assertThat(stored("TemporaryPasswordSent")).isZero();
        assertThat(mailTo("bob@adm.example")).hasSize(bobsMail);
    }

    /**
     * Two instances record on the same case at once: the one whose append loses the race for the case's next
     * sequence number is refused by the event store's unique key. Its refusal is recorded all the same (the command
     * is sent again against the case as the other left it); answered "conflict, retry", it would be on record
     * nowhere. The other instance here is a transaction of the test's that appends the case's next event and holds
     * it uncommitted until the request waits for it.
     */
    @Test
    void aRefusalThatLosesTheRaceForTheCaseIsRecordedAllTheSame() throws Exception {
        post(RESET_BOB).then().statusCode(403);
        assertThat(stored("AdminActionRefused")).isEqualTo(1);
        refusalRacing(lastEvent(), 1).then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required"));
        // the first refusal, the other instance's event, and this one's refusal after it
        assertThat(stored("AdminActionRefused")).isEqualTo(3);
    }

    /** The same race for the case's first record: both instances create it, the loser records after the other. */
    @Test
    void aRefusalThatLosesTheRaceForTheCasesFirstRecordIsRecordedAllTheSame() throws Exception {
        // the other instance's first record of the case: a refusal as this one would record it
        post(RESET_BOB).then().statusCode(403);
        List<Object> first = lastEvent();
        jdbc.update("DELETE FROM domainevententry WHERE aggregateidentifier = ?", caseNumber);
        assertThat(stored("AdminActionRefused")).isZero();
        refusalRacing(first, 0).then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required"));
        assertThat(stored("AdminActionRefused")).isEqualTo(2);
    }

    /** The case's last event: type, timestamp, payload type and revision, payload, metadata. */
    private List<Object> lastEvent() {
        return jdbc.queryOne("SELECT type, timestamp, payloadtype, payloadrevision, payload, metadata FROM"
                + " domainevententry WHERE aggregateidentifier = ? ORDER BY sequencenumber DESC LIMIT 1", row ->
                java.util.Arrays.<Object>asList(row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getBytes(5), row.getBytes(6)), caseNumber).orElseThrow();
    }

    /**
     * A reset refused for want of consent while another instance appends {@code event} to the case at
     * {@code sequence}, holding it uncommitted until the request waits for it.
     */
    private io.restassured.response.Response refusalRacing(List<Object> event, long sequence) throws Exception {
        CompletableFuture<io.restassured.response.Response> refused;
        List<Object> row = new ArrayList<>(List.of(UUID.randomUUID().toString(), caseNumber, sequence));
        row.addAll(event);
        try (HeldRows other = HeldRows.hold(dataSource, "INSERT INTO domainevententry (eventidentifier,"
                + " aggregateidentifier, sequencenumber, type, timestamp, payloadtype, payloadrevision, payload,"
                + " metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row.toArray())) {
            refused = CompletableFuture.supplyAsync(() -> post(RESET_BOB));
            LockWaits.awaitWaiter(dataSource, "INSERT INTO DomainEventEntry", WAIT);
            other.commit();
        }
        return refused.get(60, TimeUnit.SECONDS);
    }

    @Test
    void aGivenConsentIsWhereItsLocationPoints() {
        var given = as(ADA).body("{\"actionKinds\":[\"RESET_MFA\"],\"targetUserIds\":[\"00u1alice\"]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(201).extract();
        String consentId = given.path("consentId");
        String location = given.header("Location");
        assertThat(location).endsWith("/cases/" + caseNumber + "/consents/" + consentId);
        await().atMost(WAIT).untilAsserted(() -> as(TOM).get(location).then().statusCode(200)
                .body("consentId", equalTo(consentId)).body("caseNumber", equalTo(caseNumber))
                .body("givenBy", equalTo("admin-ada")).body("status", equalTo("ACTIVE"))
                .body("actionKinds", contains("RESET_MFA")).body("targetUserIds", contains("00u1alice")));
        as(OZ).get(location).then().statusCode(403).body(not(containsString(ORG)));
        as(TIA).get(location).then().statusCode(403); // support not working the case
        as(ADA).get("/cases/" + caseNumber + "/consents/no-such-consent").then().statusCode(404);
    }

    @Test
    void writtenConsentWithoutAValidityLastsTwentyFourHours() {
        String consentId = consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(ADA).get("/cases/" + caseNumber + "/consents").then()
                .statusCode(200).extract().jsonPath().getList("consentId", String.class)).contains(consentId));
        var listed = as(ADA).get("/cases/" + caseNumber + "/consents").then().extract().jsonPath();
        int i = listed.getList("consentId", String.class).indexOf(consentId);
        assertThat(Duration.between(Instant.parse(listed.getString("[" + i + "].givenAt")),
                Instant.parse(listed.getString("[" + i + "].expiresAt")))).isEqualTo(Duration.ofHours(24));
        clock.advance(Duration.ofHours(24));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u1alice/lifecycle"
                + "/reset-factors").then().statusCode(403).body("detail", containsString("expired"));
    }

    /**
     * A consent names at most 50 users and 50 flags, each at most a login long, and no field it does not know: a
     * misspelled "targetUserId" would otherwise be dropped, and the consent cover every user.
     */
    @Test
    void aConsentsScopeIsRefusedWhenItCannotBeKeptOrIsMisspelled() {
        String many = String.join(",", java.util.Collections.nCopies(51, "\"00u1alice\""));
        as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\"],\"targetUserIds\":[" + many + "]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("errors.field", hasItem("targetUserIds"));
        as(ADA).body("{\"actionKinds\":[\"FEATURE_FLAG\"],\"featureFlags\":[\"" + "f".repeat(256) + "\"]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("detail", containsString("featureFlags")).body("detail", containsString("255"));
        as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\"],\"targetUserId\":[\"00u2bob\"]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", containsString("targetUserId"));
        // a scope whose targets the kinds never use would look restricted and cover everything
        as(ADA).body("{\"actionKinds\":[\"FEATURE_FLAG\"],\"targetUserIds\":[\"00u1alice\"]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("detail", containsString("targetUserIds: FEATURE_FLAG acts on no user"));
        as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\",\"RESET_MFA\"],\"featureFlags\":[\"ftrBETA\"]}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("detail", containsString("featureFlags: only FEATURE_FLAG acts on a flag"));
        as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"],"
                + "\"featureFlags\":[\"ftrBETA\"]}").post("/cases/" + caseNumber + "/consents/verbal").then()
                .statusCode(400).body("detail", containsString("featureFlags: only FEATURE_FLAG"));
        assertThat(stored("ConsentGiven")).isZero();
        // both kinds, each its own targets: alice's password, the beta flag
        as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\",\"FEATURE_FLAG\"],\"targetUserIds\":[\"00u1alice\"],"
                + "\"featureFlags\":[\"ftrBETA\"]}").post("/cases/" + caseNumber + "/consents").then()
                .statusCode(201);
    }

    /** The longest consent that may be asked for is the service's setting (96 hours in the tests; 72 by default). */
    @Test
    void aConsentLastsAtMostTheConfiguredMaximum() {
        as(ADA).body("{\"actionKinds\":[\"RESET_MFA\"],\"validForHours\":97}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("detail", containsString("validForHours: at most 96"))
                .body("errors.field", equalTo(List.of("validForHours")))
                .body("errors[0].message", containsString("at most 96"));
        as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"],"
                + "\"validForHours\":97}").post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(400);
        // hours are whole: a fraction is not cut to its whole part; an action kind is named, not numbered
        as(ADA).body("{\"actionKinds\":[\"RESET_MFA\"],\"validForHours\":1.9}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", containsString("validForHours"));
        as(ADA).body("{\"actionKinds\":[3]}").post("/cases/" + caseNumber + "/consents").then().statusCode(400)
                .body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                .body("detail", containsString("actionKinds"));
        // a time given as empty text is no time: refused, not read as "now"
        for (String empty : List.of("\"\"", "\"  \"")) {
            as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"],"
                    + "\"givenAt\":" + empty + "}").post("/cases/" + caseNumber + "/consents/verbal").then()
                    .statusCode(400).body("type", equalTo("https://casetrail.io/problems/malformed-body"))
                    .body("detail", containsString("givenAt"));
        }
        assertThat(stored("ConsentGiven")).isZero();
        as(ADA).body("{\"actionKinds\":[\"RESET_MFA\"],\"validForHours\":96}")
                .post("/cases/" + caseNumber + "/consents").then().statusCode(201);
        as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"],"
                + "\"validForHours\":96}").post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(201);
        assertThat(stored("ConsentGiven")).isEqualTo(2);
    }

    @Test
    void aCasesConsentsArePagedOldestFirst() {
        List<String> given = new java.util.ArrayList<>();
        for (String kind : List.of("\"RESET_MFA\"", "\"RESET_PASSWORD\"", "\"TEMPORARY_PASSWORD\"")) {
            given.add(consent(ADA, kind, "\"00u1alice\""));
            clock.advance(Duration.ofSeconds(1));
        }
        await().atMost(WAIT).untilAsserted(() -> assertThat(Links.pages(() -> as(ADA), "/cases/" + caseNumber
                + "/consents?limit=2", "consentId", String.class)).isEqualTo(List.of(given.subList(0, 2),
                given.subList(2, 3))));
        assertThat(Links.pages(() -> as(TOM), "/cases/" + caseNumber + "/consents", "consentId", String.class))
                .isEqualTo(List.of(given));
        as(ADA).get("/cases/" + caseNumber + "/consents?after=%%%").then().statusCode(400)
                .contentType("application/problem+json");
        as(ADA).get("/cases/" + caseNumber + "/consents?limit=0").then().statusCode(400);
    }

    @Test
    void onlyTheCasesOpenerOrContactsConsentAndNobodyFromAnotherOrg() {
        // another org's admin learns nothing from a withdrawal, whether support acted on the case or not, and a
        // case without records gets none from it
        String withdrawal = "/cases/" + caseNumber + "/consents/" + UUID.randomUUID() + "/withdrawal";
        as(OZ).post(withdrawal).then().statusCode(403).contentType("application/problem+json");
        assertThat(jdbc.queryOne("SELECT COUNT(*) FROM domainevententry WHERE aggregateidentifier = ?",
                row -> row.getLong(1), caseNumber)).contains(0L);
        as(ZED).body("{\"actionKinds\":[\"RESET_MFA\"]}").post("/cases/" + caseNumber + "/consents").then()
                .statusCode(403).body("detail", containsString("opened case"));
        // refused without learning whose case it is
        as(OZ).body("{\"actionKinds\":[\"RESET_MFA\"]}").post("/cases/" + caseNumber + "/consents").then()
                .statusCode(403).body("detail", containsString("the case's org")).body(not(containsString(ORG)));
        as(OZ).get("/cases/" + caseNumber + "/consents").then().statusCode(403);
        as(TOM).body("{\"actionKinds\":[\"RESET_MFA\"]}").post("/cases/" + caseNumber + "/consents").then().statusCode(403);
        // support may record it; naming an admin who is neither the opener nor a contact is the request's mistake
        as(TOM).body("{\"givenBy\":\"admin-zed\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"]}")
                .post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(400)
                .body("detail", containsString("givenBy: verbal consent must name the admin who opened case"));
        as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"REMOTE_SESSION\",\"actionKinds\":[\"RESET_MFA\"]}")
                .post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(201);
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get("/cases/" + caseNumber + "/consents").then().statusCode(200)
                .body("channel", hasItem("REMOTE_SESSION")));
        as(OZ).post(withdrawal).then().statusCode(403);
        as(ADA).post(withdrawal).then().statusCode(404);                // the case's own admin: no such consent
    }

    /**
     * A lead who opened a case on a customer's behalf (naming any admin id it likes) gets no rights in the org from
     * it: no research, no verbal consent it records itself, no action, no reading or withdrawing the case's consents.
     * Another lead of the team has them.
     */
    @Test
    void aLeadWhoOpenedACaseOnTheCustomersBehalfGetsNoRightsInTheOrgFromIt() {
        String lu = MINT.token("lead-lu").role(Roles.TEAM_LEAD).team("sso").sign();
        String lea = MINT.token("lead-lea").role(Roles.TEAM_LEAD).team("sso").sign();
        String onBehalf = String.format("5%07d", (System.nanoTime() / 1000 + CASES.incrementAndGet()) % 10_000_000);
        TestEvents.publish(Topics.CASE, "case-service", onBehalf, 0, new CaseOpened(onBehalf, ORG,
                "https://adm.okta.com", "Phoned in", "d", ProductArea.SSO, Priority.P2, ContactPreference.PHONE,
                "admin-nobody", List.of(), "sso", null, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT,
                Roles.TEAM_LEAD)));
        await().atMost(WAIT).until(() -> knownCases.find(onBehalf).isPresent());

        as(lu).get("/orgs/" + ORG + "/users?caseNumber=" + onBehalf + "&q=alice").then().statusCode(403);
        String verbal = "{\"givenBy\":\"admin-nobody\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"]}";
        as(lu).body(verbal).post("/cases/" + onBehalf + "/consents/verbal").then().statusCode(403);

        as(lea).get("/orgs/" + ORG + "/users?caseNumber=" + onBehalf + "&q=alice").then().statusCode(200);
        String consentId = as(lea).body(verbal).post("/cases/" + onBehalf + "/consents/verbal").then()
                .statusCode(201).extract().path("consentId");
        // with a consent on record, the opening lead still takes no action: refused as not working the case, not for
        // want of consent, and no refusal recorded on the case
        long onBehalfEvents = stored(onBehalf, "");
        as(lu).body("{\"caseNumber\":\"" + onBehalf + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                + "/reset-factors").then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/forbidden"));

        // nor its consents: not read, not withdrawn (nothing recorded); nor by a stranger to the case
        for (String stranger : List.of(lu, OZ, TIA)) {
            as(stranger).get("/cases/" + onBehalf + "/consents").then().statusCode(403)
                    .contentType("application/problem+json");
            as(stranger).get("/cases/" + onBehalf + "/consents/" + consentId).then().statusCode(403);
            as(stranger).post("/cases/" + onBehalf + "/consents/" + consentId + "/withdrawal").then()
                    .statusCode(403);
        }
        assertThat(stored(onBehalf, "")).isEqualTo(onBehalfEvents);
        await().atMost(WAIT).untilAsserted(() -> as(lea).get("/cases/" + onBehalf + "/consents/" + consentId)
                .then().statusCode(200).body("status", equalTo("ACTIVE")));
    }

    /**
     * While escalation-service names an escalation manager on an active escalation of the case, that manager is the
     * customer's intermediary: it records the customer's verbal consent, and the case's engineer is told so (409);
     * once the escalation ends, the engineer again.
     */
    @Test
    void whileAnEscalationManagerIsTheIntermediaryOnlyThatManagerRecordsVerbalConsent() {
        String eve = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();
        String escalation = UUID.randomUUID().toString();
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        Actor lu = new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD);
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 0, new EscalationRaised(escalation,
                ORG, caseNumber, "sso", "question", "s", "i", List.of(), List.of(), List.of(), List.of(), List.of(
                new ApprovalStep("team-lead", List.of(Roles.TEAM_LEAD), ApprovalRule.ANY, List.of(), 1)), tom));
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 1, new EscalationManagerAssigned(
                escalation, ORG, caseNumber, "em-eve", "Eve", lu));
        String verbal = "{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"]}";
        await().atMost(WAIT).until(() -> escalationManagers.escalationManagerOf(caseNumber).isPresent());
        as(TOM).body(verbal).post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://casetrail.io/problems/intermediary"))
                .body("detail", containsString("em-eve"));
        as(TIA).body(verbal).post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(403);
        as(eve).body(verbal).post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(201);
        assertThat(stored("ConsentGiven")).isEqualTo(1);

        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 2, new EscalationClosed(escalation,
                ORG, caseNumber, Actor.SYSTEM));
        await().atMost(WAIT).until(() -> escalationManagers.escalationManagerOf(caseNumber).isEmpty());
        as(TOM).body(verbal).post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(201);
        as(eve).body(verbal).post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(403);
        assertThat(stored("ConsentGiven")).isEqualTo(2);
    }

    /**
     * Consent is scoped to the case: when the case closes, its live consents expire with it, and a reopened case
     * needs the customer's consent anew. A consent already ended stays as it ended.
     */
    @Test
    void aCaseClosedEndsItsConsentsAndAReopenedCaseNeedsNewOnes() {
        String live = consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        String withdrawn = consent(ADA, "\"RESET_PASSWORD\"", "\"00u2bob\"");
        as(ADA).post("/cases/" + caseNumber + "/consents/" + withdrawn + "/withdrawal").then().statusCode(204);
        Actor ada = new Actor("admin-ada", "Ada", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 3, new CaseClosed(caseNumber, ORG,
                CloseReason.CONFIRMED, ada, clock.instant()));
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get("/cases/" + caseNumber + "/consents/" + live).then()
                .statusCode(200).body("status", equalTo("EXPIRED")));
        assertThat(stored("ConsentExpired")).isEqualTo(1);
        as(ADA).get("/cases/" + caseNumber + "/consents/" + withdrawn).then().body("status", equalTo("WITHDRAWN"));

        Instant reopenedAt = Instant.now();
        TestEvents.publish(Topics.CASE, "case-service", caseNumber, 4, new CaseReopened(caseNumber, ORG, "again",
                ada), reopenedAt, UUID.randomUUID().toString());
        await().atMost(WAIT).until(() -> knownCases.find(caseNumber).filter(KnownCases.KnownCase::isOpen)
                .isPresent());
        // consent said before the reopening was said on the closed case: recorded as given then, it is refused
        long given = stored("ConsentGiven");
        as(TOM).body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"],"
                + "\"givenAt\":\"" + reopenedAt.minus(Duration.ofMinutes(10)) + "\"}")
                .post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("is open since"));
        assertThat(stored("ConsentGiven")).isEqualTo(given);
        long refused = stored("AdminActionRefused");
        post("/orgs/" + ORG + "/users/00u1alice/lifecycle/reset-factors").then().statusCode(403)
                .body("detail", containsString("consent " + live + " expired"));
        assertThat(stored("AdminActionRefused")).isEqualTo(refused + 1);
        assertThat(stored("MfaFactorsReset")).isZero();
        consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        post("/orgs/" + ORG + "/users/00u1alice/lifecycle/reset-factors").then().statusCode(200);
        assertThat(stored("ConsentExpired")).isEqualTo(1);
    }

    /**
     * The escalation manager who is the customer's intermediary records the customer's verbal consent, and so also
     * reads the case's consents and records a withdrawal; another escalation manager does neither.
     */
    @Test
    void theEscalationManagerWhoIsTheIntermediaryReadsAndWithdrawsConsents() {
        String eve = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();
        String max = MINT.token("em-max").role(Roles.ESCALATION_MANAGER).name("Max").sign();
        String consentId = consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        as(eve).get("/cases/" + caseNumber + "/consents").then().statusCode(403);
        as(eve).post("/cases/" + caseNumber + "/consents/" + consentId + "/withdrawal").then().statusCode(403);
        String escalation = UUID.randomUUID().toString();
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 0, new EscalationRaised(escalation,
                ORG, caseNumber, "sso", "question", "s", "i", List.of(), List.of(), List.of(), List.of(), List.of(
                new ApprovalStep("team-lead", List.of(Roles.TEAM_LEAD), ApprovalRule.ANY, List.of(), 1)), tom));
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 1, new EscalationManagerAssigned(
                escalation, ORG, caseNumber, "em-eve", "Eve", new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT,
                Roles.TEAM_LEAD)));
        await().atMost(WAIT).until(() -> escalationManagers.escalationManagerOf(caseNumber).isPresent());

        as(max).get("/cases/" + caseNumber + "/consents/" + consentId).then().statusCode(403);
        as(max).post("/cases/" + caseNumber + "/consents/" + consentId + "/withdrawal").then().statusCode(403);
        as(eve).get("/cases/" + caseNumber + "/consents").then().statusCode(200)
                .body("consentId", equalTo(List.of(consentId)));
        as(eve).post("/cases/" + caseNumber + "/consents/" + consentId + "/withdrawal").then().statusCode(204);
        assertThat(stored("ConsentWithdrawn")).isEqualTo(1);
        await().atMost(WAIT).untilAsserted(() -> as(eve).get("/cases/" + caseNumber + "/consents/" + consentId)
                .then().statusCode(200).body("status", equalTo("WITHDRAWN")));
        post("/orgs/" + ORG + "/users/00u1alice/lifecycle/reset-factors").then().statusCode(403)
                .body("detail", containsString("withdrawn"));
    }

    /**
     * Of two escalations of the case with managers, the intermediary is the manager escalation-service assigned last
     * ({@code caseAssignment}), not the last to arrive: the later assignment arrives first here.
     */
    @Test
    void theIntermediaryIsTheManagerAssignedLastNotTheLastToArrive() {
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        Actor lu = new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD);
        List<String> escalations = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        for (String escalation : escalations) {
            TestEvents.publish(Topics.ESCALATION, "escalation-service", escalation, 0, new EscalationRaised(
                    escalation, ORG, caseNumber, "sso", "question", "s", "i", List.of(), List.of(), List.of(),
                    List.of(), List.of(new ApprovalStep("team-lead", List.of(Roles.TEAM_LEAD), ApprovalRule.ANY,
                    List.of(), 1)), tom));
        }
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalations.get(1), 1,
                new EscalationManagerAssigned(escalations.get(1), ORG, caseNumber, "em-ed", "Ed", lu, 2L));
        await().atMost(WAIT).until(() -> escalationManagers.escalationManagerOf(caseNumber).isPresent());
        TestEvents.publish(Topics.ESCALATION, "escalation-service", escalations.get(0), 1,
                new EscalationManagerAssigned(escalations.get(0), ORG, caseNumber, "em-eve", "Eve", lu, 1L));
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT COUNT(*) FROM case_escalation_manager WHERE"
                + " case_number = ? AND manager_id IS NOT NULL", row -> row.getLong(1), caseNumber)
                .orElseThrow() == 2);
        assertThat(escalationManagers.escalationManagerOf(caseNumber)).contains("em-ed");
    }

    @Test
    void engineerWithoutAnOpenCaseOfTheOrgCannotResearchOrAct() {
        as(TIA).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&q=alice").then().statusCode(403);
        // one not holding the case learns not which org it is of: the refusal is the same naming either org
        String ofItsOrg = as(TIA).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber).then().statusCode(403)
                .extract().path("detail");
        as(TIA).get("/orgs/org-other/users?caseNumber=" + caseNumber).then().statusCode(403)
                .body("detail", equalTo(ofItsOrg.replace(ORG, "org-other")));
        // refused before anything is read or checked: a bad page size is not even looked at
        as(TIA).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&limit=5000").then().statusCode(403);
        as(TOM).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&limit=5000").then().statusCode(400);
        // a cursor is one a list handed out: a raw id is not one
        as(TOM).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&after=00u1alice").then().statusCode(400)
                .body("detail", containsString("not a cursor"));
        assertThat(Links.pages(() -> as(TOM), "/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&limit=1",
                "id", String.class))
                .isEqualTo(List.of(List.of("00u1alice"), List.of("00u2bob"), List.of("00u3cy")));
        consent(ADA, "\"RESET_MFA\"", "");
        as(TIA).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG + "/users/00u2bob/lifecycle"
                + "/reset-factors").then().statusCode(403);
        // Tom's case, with live consent, opens only its own org: named for another, it opens nothing there
        as(TOM).get("/orgs/org-other/users?caseNumber=" + caseNumber + "&q=alice").then().statusCode(403)
                .body("detail", containsString("is not a case of org org-other"));
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/org-other/users/00u2bob/lifecycle"
                + "/reset-factors").then().statusCode(403).body("detail", containsString("is not a case of org"));
        as(ADA).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber).then().statusCode(403);
        // every lookup alike: an engineer not holding the case, the customer itself, another org named with the case
        for (String lookup : List.of("/users/00u1alice", "/groups", "/groups/Everyone", "/applications",
                "/applications/Workday")) {
            String query = "?caseNumber=" + caseNumber;
            as(TIA).get("/orgs/" + ORG + lookup + query).then().statusCode(403)
                    .contentType("application/problem+json");
            as(ADA).get("/orgs/" + ORG + lookup + query).then().statusCode(403);
            as(TOM).get("/orgs/org-other" + lookup + query).then().statusCode(403);
            given().get("/orgs/" + ORG + lookup + query).then().statusCode(401);
            // naming no case is holding none: refused as such, whoever asks
            as(TIA).get("/orgs/" + ORG + lookup).then().statusCode(403)
                    .body("detail", containsString("name it (caseNumber)"));
            as(TOM).get("/orgs/" + ORG + lookup + "?caseNumber=").then().statusCode(403);
        }
        // and every action: the feature flags' too
        for (String action : List.of("/users/00u2bob/lifecycle/reset-password",
                "/users/00u2bob/lifecycle/temporary-password", "/features/new_dashboard/enable",
                "/features/new_dashboard/disable")) {
            String held = "{\"caseNumber\":\"" + caseNumber + "\"}";
            as(TIA).body(held).post("/orgs/" + ORG + action).then().statusCode(403);
            as(ADA).body(held).post("/orgs/" + ORG + action).then().statusCode(403);
            as(TOM).body(held).post("/orgs/org-other" + action).then().statusCode(403);
        }
        assertThat(stored("PasswordResetSent") + stored("TemporaryPasswordSent") + stored("FeatureFlagChanged"))
                .isZero();
        as(OPERATOR).body(directory()).put("/orgs/other/directory").then().statusCode(400);
        as(TOM).body(directory()).put("/orgs/" + ORG + "/directory").then().statusCode(403);
        as(TOM).get("/orgs/" + ORG + "/directory").then().statusCode(403);
        as(ADA).get("/orgs/" + ORG + "/directory").then().statusCode(403);
    }

    /**
     * A password reset and a temporary password wait for an import of the org under way, as an MFA reset does: they
     * then act on the users the import left, never on rows it is replacing.
     */
    @Test
    void passwordChangesWaitForAnImportUnderWay() throws Exception {
        waitsForAnImport(() -> { }, () -> directoryStore.markRecovery(ORG, "00u2bob", "hash"));
        waitsForAnImport(() -> { }, () -> directoryStore.expirePassword(ORG, "00u2bob", "hash"));
    }

    /**
     * An action reads its user, the addresses its reset link or temporary password is mailed to among them, once an
     * import under way is over: never the addresses the import replaced, which the org may have taken away.
     */
    @Test
    void anActionReadsItsUserAsAnImportUnderWayLeavesIt() throws Exception {
        waitsForAnImport(() -> jdbc.update("UPDATE dir_user SET email = ? WHERE org_id = ? AND id = ?",
                        "bob-new@adm.example", ORG, "00u2bob"),
                () -> "bob-new@adm.example".equals(identityPlatform.user(ORG, "00u2bob").email()));
    }

    private void waitsForAnImport(Runnable importing, java.util.concurrent.Callable<Boolean> passwordChange)
            throws Exception {
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var anImport = threads.submit(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> {
                directoryStore.lockOrg(ORG); // as an import holds it
                importing.run();
                held.countDown();
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            assertThat(held.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            var change = threads.submit(() -> io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                    .call(passwordChange));
            LockWaits.awaitWaiter(dataSource, "dir_org", Duration.ofSeconds(30));
            assertThat(change).isNotDone();
            release.countDown();
            anImport.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(change.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            release.countDown();
            threads.shutdownNow();
            io.quarkus.narayana.jta.QuarkusTransaction.requiringNew().run(() -> jdbc.update(
                    "UPDATE dir_user SET status = 'ACTIVE', password_hash = NULL, recovery_token_hash = NULL,"
                    + " email = 'bob@adm.example' WHERE org_id = ? AND id = ?", ORG, "00u2bob"));
        }
    }

    /**
     * A user is found by its id before any login that reads like it, so an action on a user never lands on another;
     * a name several applications or groups share finds none of them (the caller is told to use an id).
     */
    @Test
    void anIdFindsItsOwnUserAndANameSharedByManyFindsNone() {
        String org = "org-clash-" + CASES.incrementAndGet();
        String clashing = """
                {"org":{"id":"%s","name":"Clash","url":"https://clash.okta.com"},
                 "users":[{"id":"00uamy","login":"00UZED","email":"amy@clash.example","status":"ACTIVE"},
                          {"id":"00uzed","login":"zed@clash.example","email":"zed@clash.example","status":"ACTIVE"}],
                 "groups":[{"id":"00g1","name":"Admins","members":[]},{"id":"00g2","name":"Admins","members":[]}],
                 "applications":[{"id":"0oa1","name":"bookmark","label":"Wiki","status":"ACTIVE"},
                                 {"id":"0oa2","name":"bookmark","label":"Docs","status":"ACTIVE"}]}
                """.formatted(org);
        as(OPERATOR).body(clashing).put("/orgs/" + org + "/directory").then().statusCode(200);
        assertThat(directoryStore.user(org, "00uzed").orElseThrow().id()).isEqualTo("00uzed");
        assertThat(directoryStore.user(org, "00UZED").orElseThrow().id()).isEqualTo("00uamy"); // a login, no id
        assertThat(directoryStore.application(org, "0oa2").orElseThrow().id()).isEqualTo("0oa2");
        assertThat(directoryStore.application(org, "Docs").orElseThrow().id()).isEqualTo("0oa2");
        assertThatThrownBy(() -> directoryStore.application(org, "bookmark")).isInstanceOf(RuleViolation.class)
                .hasMessageContaining("ask for one by its id");
        assertThatThrownBy(() -> directoryStore.group(org, "Admins")).isInstanceOf(RuleViolation.class);
        assertThat(directoryStore.group(org, "00g1").orElseThrow().id()).isEqualTo("00g1");

        // asked by support for a case of the org, the refusal is research all the same, and recorded
        String clashCase = String.format("5%07d", (System.nanoTime() / 1000 + CASES.incrementAndGet()) % 10_000_000);
        Actor amy = new Actor("admin-amy", "Amy", Actor.Kind.CUSTOMER, Roles.ORG_ADMIN);
        TestEvents.publish(Topics.CASE, "case-service", clashCase, 0, new CaseOpened(clashCase, org,
                "https://clash.okta.com", "Groups", "d", ProductArea.SSO, Priority.P3, ContactPreference.EMAIL,
                "admin-amy", List.of(), "sso", null, amy));
        TestEvents.publish(Topics.CASE, "case-service", clashCase, 2, new CaseAssigned(clashCase, org, "tse-tom", null,
                CaseStatus.OPEN, new Actor("lead-lu", "Lu", Actor.Kind.SUPPORT, Roles.TEAM_LEAD)));
        await().atMost(WAIT).until(() -> knownCases.find(clashCase).map(KnownCases.KnownCase::assignee)
                .filter("tse-tom"::equals).isPresent());
        as(TOM).get("/orgs/" + org + "/groups/Admins?caseNumber=" + clashCase).then().statusCode(409)
                .body("type", equalTo("https://casetrail.io/problems/ambiguous-name"));
        assertThat(jdbc.query("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                + " LIKE '%OrgResearched'", row -> new String(row.getBytes(1), StandardCharsets.UTF_8), clashCase))
                .singleElement().satisfies(payload -> assertThat(payload).contains("\"resource\":\"groups\"")
                        .contains("\"query\":\"Admins\"").contains("\"results\":2"));
    }

    /**
     * An export's secrets (an identity provider's client secret, an application's, a shared secret, a password) are
     * not kept from an import, at any depth: what research and an impersonation session's admin view show is what
     * support may see. Everything else of the document is.
     */
    @Test
    void anImportedDocumentKeepsNoSecret() {
        String org = "org-secrets-" + CASES.incrementAndGet();
        as(OPERATOR).body("""
                {"org":{"id":"%s","name":"Secrets","url":"https://secrets.okta.com"},
                 "profileSources":[{"id":"0oaIdp","type":"OIDC","name":"Corp IdP",
                   "protocol":{"credentials":{"client":{"client_id":"c-1","client_secret":"S3CRET-1"}}},
                   "settings":[{"sharedSecret":"S3CRET-2","Password":"S3CRET-3","kept":"yes"}]}],
                 "policies":[{"id":"00p9","name":"p","private_key":"S3CRET-4","rules":[]}]}
                """.formatted(org)).put("/orgs/" + org + "/directory").then().statusCode(200);
        JsonNode source = directoryStore.document(org, DirectoryStore.PROFILE_SOURCE, "0oaIdp").orElseThrow();
        assertThat(source.toString()).doesNotContain("S3CRET").contains("\"client_id\":\"c-1\"")
                .contains("\"kept\":\"yes\"").contains("Corp IdP");
        assertThat(source.path("protocol").path("credentials").path("client").has("client_secret")).isFalse();
        assertThat(directoryStore.document(org, DirectoryStore.POLICY, "00p9").orElseThrow().toString())
                .doesNotContain("S3CRET").doesNotContain("private_key");
        assertThat(jdbc.query("SELECT body FROM dir_document WHERE org_id = ?", row -> row.getString(1), org))
                .hasSize(2).noneMatch(body -> body.contains("S3CRET"));
    }

    /**
     * A list of users or groups holds one connection at a time: each row's factors, groups or members are read
     * after the list's query. Read from within it, every list took two of the pool's connections at once, and as
     * many lists as the pool has connections waited for each other until the pool gave up (503).
     */
    @Test
    void directoryListsHoldOneConnectionAtATime() {
        String org = "org-pool-" + CASES.incrementAndGet();
        as(OPERATOR).body("""
                {"org":{"id":"%s","name":"Pool","url":"https://pool.okta.com"},
                 "users":[{"id":"00u1alice","login":"alice@pool.example","email":"alice@pool.example",
                           "status":"ACTIVE","factors":[{"id":"f1","factorType":"push","provider":"OKTA",
                           "status":"ACTIVE"},{"id":"f2","factorType":"sms","provider":"OKTA","status":"ACTIVE"}]},
                          {"id":"00u2bob","login":"bob@pool.example","email":"bob@pool.example","status":"ACTIVE"}],
                 "groups":[{"id":"00g1","name":"Engineering","members":["00u1alice"]},
                           {"id":"00g2","name":"Support","members":["00u1alice","00u2bob"]}]}
                """.formatted(org)).put("/orgs/" + org + "/directory").then().statusCode(200);
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        DataSource counting = (DataSource) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {DataSource.class}, (proxy, method, arguments) -> {
                    Object result = invoke(method, dataSource, arguments);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    most.accumulateAndGet(open.incrementAndGet(), Math::max);
                    return java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                            new Class<?>[] {java.sql.Connection.class}, (c, m, a) -> {
                                if (m.getName().equals("close")) {
                                    open.decrementAndGet();
                                }
                                return invoke(m, result, a);
                            });
                });
        DirectoryStore store = new DirectoryStore(new Jdbc(counting), java.time.Clock.systemUTC());

        var users = store.users(org, null, null, 50).items();
        var groups = store.groups(org, null, null, 50).items();

        assertThat(users).extracting(user -> user.id()).containsExactly("00u1alice", "00u2bob");
        assertThat(users.get(0).factors()).extracting(f -> f.id()).containsExactly("f1", "f2");
        assertThat(users.get(0).groups()).containsExactly("00g1", "00g2");
        assertThat(users.get(1).factors()).isEmpty();
        assertThat(users.get(1).groups()).containsExactly("00g2");
        assertThat(groups).extracting(group -> group.members()).containsExactly(List.of("00u1alice"),
                List.of("00u1alice", "00u2bob"));
        assertThat(store.user(org, "alice@pool.example").orElseThrow().factors()).hasSize(2);
        assertThat(store.group(org, "Support").orElseThrow().members()).containsExactly("00u1alice", "00u2bob");
        assertThat(most).as("connections held at once").hasValue(1);
        assertThat(open).hasValue(0);
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] arguments)
            throws Throwable {
        try {
            return method.invoke(target, arguments);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void aDirectoryHoldingSomethingTwiceOrTooLongIsRefusedAndTheImportedOneStays() {
        String importedBefore = as(OPERATOR).get("/orgs/" + ORG + "/directory").then().statusCode(200)
                .extract().asString();
        String bobBefore = as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then()
                .statusCode(200).extract().asString();
        long importsBefore = importsStored();
        String twice = directory().replace("\"login\":\"bob@adm.example\"", "\"login\":\"ALICE@adm.example\"");
        as(OPERATOR).body(twice).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("users[].login"));
        String sameMember = directory().replace("\"members\":[\"00u1alice\"]", "\"members\":[\"00u1alice\",\"00u1alice\"]");
        as(OPERATOR).body(sameMember).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .body("detail", containsString("groups[00g1].members"));
        String longMember = directory().replace("\"members\":[]", "\"members\":[\"" + "m".repeat(65) + "\"]");
        as(OPERATOR).body(longMember).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .contentType("application/problem+json");
        String longPolicy = directory().replace("\"id\":\"00p2\"", "\"id\":\"" + "p".repeat(65) + "\"");
        as(OPERATOR).body(longPolicy).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .body("detail", containsString("1 to 64 characters"));
        // a null where a user, a factor or a flag goes is refused, not a 500
        for (String nulled : List.of(directory().replace("\"users\":[", "\"users\":[null,"),
                directory().replace("\"factors\":[]", "\"factors\":[null]"),
                directory().replace("\"features\":[", "\"features\":[null,"))) {
            as(OPERATOR).body(nulled).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                    .contentType("application/problem+json");
        }
        // an address the mailer would not take (a reset mailed to it answered 503 "try again" for ever)
        for (String unmailable : List.of(directory().replace("\"email\":\"bob@adm.example\"",
                        "\"email\":\"bob smith@adm.example\""),
                directory().replace("\"secondEmail\":\"alice.ng@home.example\"", "\"secondEmail\":\"alice\""))) {
            as(OPERATOR).body(unmailable).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("is no e-mail address"))
                    .body("detail", org.hamcrest.Matchers.anyOf(containsString("users[00u2bob].email"),
                            containsString("users[00u1alice].secondEmail")));
        }
        String sameFactor = directory().replace("{\"id\":\"f2\"", "{\"id\":\"f1\"");
        as(OPERATOR).body(sameFactor).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .body("detail", containsString("users[00u1alice].factors[].id: f1 appears more than once"));
        String longUrl = directory().replace("\"url\":\"https://adm.okta.com\"",
                "\"url\":\"https://adm.okta.com/" + "u".repeat(2048) + "\"");
        as(OPERATOR).body(longUrl).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .body("errors.field", hasItem("org.url"));
        // an id with a comma, which the stored lists of ids separate them with (a flag named "ftr,BASE" depended on
        // was taken for flags "ftr" and "BASE": disabling it found no dependent)
        for (String commaId : List.of(directory().replace("\"ftrBASE\"", "\"ftr,BASE\""),
                directory().replace("\"00u1alice\"", "\"00u1,alice\""))) {
            as(OPERATOR).body(commaId).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                    .contentType("application/problem+json")
                    .body("detail", containsString("letters, digits and _ . ~ - only"));
        }
        // half an emoji in a policy's text (PostgreSQL would keep '?', and two such ids would be one)
        String halfEmoji = directory().replace("\"Min length 12\"", "\"Min length 12 \\ud83d\"");
        as(OPERATOR).body(halfEmoji).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("half of a surrogate pair"));
        String longStage = directory().replace("\"value\":\"BETA\"", "\"value\":\"" + "x".repeat(300) + "\"");
        as(OPERATOR).body(longStage).put("/orgs/" + ORG + "/directory").then().statusCode(400)
                .contentType("application/problem+json");
        // none of the refusals changed anything (some are found while the stored directory is being replaced)
        as(OPERATOR).get("/orgs/" + ORG + "/directory").then().statusCode(200).body(equalTo(importedBefore));
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body(equalTo(bobBefore));
        assertThat(importsStored()).isEqualTo(importsBefore);
        // fields of the platform's export the directory keeps none of are passed over
        String exported = directory().replace("\"status\":\"ACTIVE\",\"factors\":[]",
                "\"status\":\"ACTIVE\",\"created\":\"2020-01-01T00:00:00Z\",\"factors\":[]");
        assertThat(exported).isNotEqualTo(directory());
        as(OPERATOR).body(exported).put("/orgs/" + ORG + "/directory").then().statusCode(200);
        as(OPERATOR).get("/orgs/" + ORG + "/directory").then().statusCode(200).body("users", equalTo(3))
                .body("groups", equalTo(2));
        as(TOM).get("/orgs/" + ORG + "/users/00u2bob?caseNumber=" + caseNumber).then().statusCode(200)
                .body("profile.login", equalTo("bob@adm.example"));
    }

    @Test
    void operatorsSeeWhatWasImportedAndWhen() {
        as(OPERATOR).get("/orgs/" + ORG + "/directory").then().statusCode(200).body("orgId", equalTo(ORG))
                .body("name", equalTo("Adm Corp")).body("users", equalTo(3)).body("groups", equalTo(2))
                .body("applications", equalTo(1)).body("features", equalTo(2))
                .body("importedAt", notNullValue());
        as(OPERATOR).get("/orgs/org-never-imported/directory").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void researchIsPagedAndEveryLookupIsRecorded() {
        long before = stored("OrgResearched");
        as(TOM).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&q=ALI").then().statusCode(200)
                .body("id", equalTo(List.of("00u1alice")));
        var page = as(TOM).get("/orgs/" + ORG + "/users?caseNumber=" + caseNumber + "&limit=1");
        page.then().statusCode(200).body("$", hasSize(1));
        assertThat(page.headers().getValues("Link")).anyMatch(l -> l.endsWith("rel=\"next\""));
        as(TOM).get("/orgs/" + ORG + "/groups?caseNumber=" + caseNumber + "&q=eng").then().statusCode(200)
                .body("[0].members", equalTo(List.of("00u1alice")));
        as(TOM).get("/orgs/" + ORG + "/applications/Salesforce?caseNumber=" + caseNumber).then().statusCode(200)
                .body("signOnMode", equalTo("SAML_2_0"));
        as(TOM).get("/orgs/" + ORG + "/users?q=alice").then().statusCode(403);
        assertThat(stored("OrgResearched")).isEqualTo(before + 4);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thereIsNoEndpointThatCreatesOrDeletesUsers() {
        var openapi = given().get("/q/openapi?format=json").then().statusCode(200).extract().jsonPath();
        java.util.Map<String, java.util.Map<String, ?>> paths = openapi.getMap("paths");
        // users are only read; the only writes on them are the three consented lifecycle actions
        paths.forEach((path, operations) -> {
            if (path.startsWith("/orgs/{orgId}/users")) {
                if (path.contains("/lifecycle/")) {
                    assertThat(operations).as(path).containsOnlyKeys("post");
                } else {
                    assertThat(operations).as(path).containsOnlyKeys("get");
                }
            }
        });
        assertThat(paths.keySet().stream().filter(p -> p.contains("/lifecycle/")).toList())
                .containsExactlyInAnyOrder("/orgs/{orgId}/users/{userId}/lifecycle/reset-password",
                        "/orgs/{orgId}/users/{userId}/lifecycle/temporary-password",
                        "/orgs/{orgId}/users/{userId}/lifecycle/reset-factors");
        as(TOM).delete("/orgs/" + ORG + "/users/00u2bob").then().statusCode(405);
        as(TOM).body("{}").post("/orgs/" + ORG + "/users").then().statusCode(405);
    }

    // --- the read-only admin view ----------------------------------------------------------------------------

    /**
     * A session token opens only the org its session is in: one naming another org, with a running session's id,
     * opens nothing.
     */
    @Test
    void aSessionTokenNamingAnotherOrgThanItsSessionsIsRefused() {
        String sessionId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 5, new ImpersonationStarted(ORG, sessionId,
                caseNumber, "g-1", now.plus(Duration.ofMinutes(30)), 2L, RequestOrigin.NONE, tom));
        String ours = SessionTokenMinter.mint("tse-tom", ORG, caseNumber, sessionId, now.plus(Duration.ofHours(1)));
        String forOther = SessionTokenMinter.mint("tse-tom", "org-other", caseNumber, sessionId,
                now.plus(Duration.ofHours(1)));
        try {
            await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + ours)
                    .get("/admin-view/policies").then().statusCode(200));
            given().header("Authorization", "Session " + forOther).get("/admin-view/policies").then().statusCode(401);
        } finally {
            endSession(sessionId, tom);
        }
    }

    @Test
    void aSessionExtendedWithItsGrantIsTakenUntilItsNewEnd() {
        String sessionId = UUID.randomUUID().toString();
        Instant now = clock.instant();
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        Actor sam = new Actor("admin-sam", "Sam", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 5, new ImpersonationStarted(ORG, sessionId,
                caseNumber, "g-1", now.plus(Duration.ofMinutes(30)), 2L, RequestOrigin.NONE, tom));
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 6, new ImpersonationExtended(ORG, sessionId,
                caseNumber, "g-1", now.plus(Duration.ofHours(1)), sam));
        String token = SessionTokenMinter.mint("tse-tom", ORG, caseNumber, sessionId, now.plus(Duration.ofHours(2)));
        try {
            // three quarters of an hour on: past the first end, before the new one
            clock.advance(Duration.ofMinutes(45));
            await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                    .get("/admin-view/policies").then().statusCode(200));
            clock.advance(Duration.ofMinutes(20));
            given().header("Authorization", "Session " + token).get("/admin-view/policies").then().statusCode(401);
        } finally {
            endSession(sessionId, tom); // Tom's actions in the org, in the other tests, are not his while it runs
        }
    }

    @Test
    void anEngineerImpersonatingInTheOrgChangesNothingThereAndTheAttemptIsRecorded() {
        consent(ADA, "\"RESET_MFA\"", "\"00u1alice\"");
        String sessionId = UUID.randomUUID().toString();
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 5, new ImpersonationStarted(ORG, sessionId,
                caseNumber, "g-1", clock.instant().plus(Duration.ofHours(1)), 2L, RequestOrigin.NONE, tom));
        String token = SessionTokenMinter.mint("tse-tom", ORG, caseNumber, sessionId,
                Instant.now().plus(Duration.ofHours(1)));
        try {
            await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                    .get("/admin-view/policies").then().statusCode(200)); // the session is known here
            long refused = stored("ImpersonationWriteRefused");

            // consent or not, Tom changes nothing in the org while he impersonates in it; the attempt is on record
            as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG
                            + "/users/00u1alice/lifecycle/reset-factors").then().statusCode(403)
                    .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"))
                    .body("detail", containsString(sessionId));
            assertThat(stored("ImpersonationWriteRefused")).isEqualTo(refused + 1);
            assertThat(stored("MfaFactorsReset")).isZero();
        } finally {
            endSession(sessionId, tom);
        }

        // once the session ended, the consent decides again (here: none for Bob)
        as(TOM).body("{\"caseNumber\":\"" + caseNumber + "\"}").post("/orgs/" + ORG
                        + "/users/00u2bob/lifecycle/reset-factors").then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required"));
    }

    /** Ends a session as support-access-service reports it, once it is known ended here. */
    private void endSession(String sessionId, Actor engineer) {
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 7, new ImpersonationEnded(ORG, sessionId,
                caseNumber, engineer.id(), SessionEndReason.STOPPED, RequestOrigin.NONE, engineer));
        await().atMost(WAIT).until(() -> jdbc.queryOne("SELECT ended FROM impersonation_session WHERE session_id = ?",
                row -> row.getBoolean(1), sessionId).orElse(false));
    }

    @Test
    void sessionTokenReadsTheAdminViewWritesAreRefusedAndRecordedAndEndedSessionsAreRefused() {
        String sessionId = UUID.randomUUID().toString();
        Instant endsAt = Instant.now().plus(Duration.ofHours(1));
        Actor tom = new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER);
        TestEvents.publish(Topics.ACCESS, "support-access-service", ORG, 5, new ImpersonationStarted(ORG, sessionId,
                caseNumber, "g-1", endsAt, 2L, RequestOrigin.NONE, tom));
        String token = SessionTokenMinter.mint("tse-tom", ORG, caseNumber, sessionId, endsAt);
        try {
            RequestSpecification session = given().header("Authorization", "Session " + token)
                    .contentType(ContentType.JSON);

            await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                    .get("/admin-view/policies").then().statusCode(200)
                    .body("name", equalTo(List.of("Default sign-on", "Default password")))
                    .body("[0].rules[0].name", equalTo("Require MFA off-network")));
            java.util.function.Supplier<RequestSpecification> viewer = () -> given().header("Authorization",
                    "Session " + token);
            assertThat(Links.pages(viewer, "/admin-view/policies?limit=1", "name", String.class))
                    .isEqualTo(List.of(List.of("Default sign-on"), List.of("Default password")));
            List<String> features = session.get("/admin-view/features").then().statusCode(200).extract().jsonPath()
                    .getList("id", String.class);
            assertThat(features).hasSizeGreaterThan(1).isSorted();
            assertThat(Links.pages(viewer, "/admin-view/features?limit=1", "id", String.class))
                    .isEqualTo(features.stream().map(List::of).toList());
            assertThat(Links.pages(viewer, "/admin-view/profile-sources?limit=1", "type", String.class).get(0))
                    .isEqualTo(List.of("AD"));
            viewer.get().get("/admin-view/profile-mappings?limit=201").then().statusCode(400);
            viewer.get().get("/admin-view/policies?after=00p1").then().statusCode(400);
            viewer.get().get("/admin-view/features?after=ftrBASE").then().statusCode(400);
            session.get("/admin-view/profile-mappings").then().statusCode(200).body("[0].properties.login",
                    equalTo("upn"));
            session.get("/admin-view/profile-sources").then().statusCode(200).body("[0].type", equalTo("AD"));
            session.get("/admin-view/groups").then().statusCode(200).body("profile.name",
                    equalTo(List.of("Engineering", "Support")));
            io.restassured.response.Response firstGroup = given().header("Authorization", "Session " + token)
                    .queryParam("limit", 1).get("/admin-view/groups");
            firstGroup.then().statusCode(200).body("profile.name", equalTo(List.of("Engineering")));
            String nextGroups = firstGroup.headers().getValues("Link").stream().filter(l -> l.endsWith("rel=\"next\""))
                    .map(l -> l.substring(1, l.indexOf('>'))).findFirst().orElseThrow();
            given().header("Authorization", "Session " + token).urlEncodingEnabled(false).get(nextGroups).then()
                    .statusCode(200).body("profile.name", equalTo(List.of("Support")))
                    .header("Link", org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("rel=\"next\"")));
            session.get("/admin-view/applications").then().statusCode(200).body("[0].label", equalTo("Salesforce"));
            session.get("/admin-view/features").then().statusCode(200)
                    .body("find { it.id == 'ftrBASE' }.dependents", equalTo(List.of("ftrBETA")));
            // a feature's links lead to it, to what it depends on and to what depends on it
            String self = session.get("/admin-view/features").then().extract().jsonPath()
                    .getString("find { it.id == 'ftrBETA' }._links.self.href");
            given().header("Authorization", "Session " + token).get(self).then().statusCode(200)
                    .body("id", equalTo("ftrBETA")).body("dependencies", equalTo(List.of("ftrBASE")));
            given().header("Authorization", "Session " + token).get(self + "/dependencies").then().statusCode(200)
                    .body("id", equalTo(List.of("ftrBASE")));
            given().header("Authorization", "Session " + token).get(self + "/dependents").then().statusCode(200)
                    .body("$", hasSize(0));
            session.get("/admin-view/features/ftrBASE/dependents").then().statusCode(200)
                    .body("id", equalTo(List.of("ftrBETA")));
            session.get("/admin-view/features/ftrNONE").then().statusCode(404);

            long before = stored("ImpersonationWriteRefused");
            given().header("Authorization", "Session " + token).contentType(ContentType.JSON).body("{}")
                    .post("/admin-view/groups").then().statusCode(403)
                    .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));
            given().header("Authorization", "Session " + token).delete("/admin-view/policies/00p1").then()
                    .statusCode(403);
            assertThat(stored("ImpersonationWriteRefused")).isEqualTo(before + 2);
            // nor does it change anything elsewhere: an admin action, a directory import, a verbal consent, a path that
            // does not exist; each attempt is refused before its endpoint's role check, and recorded
            String onCase = "{\"caseNumber\":\"" + caseNumber + "\"}";
            session.body(onCase).post("/orgs/" + ORG + "/users/00u2bob/lifecycle/reset-factors").then().statusCode(403)
                    .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));
            session.body("{}").put("/orgs/" + ORG + "/directory").then().statusCode(403)
                    .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));
            session.body("{\"givenBy\":\"admin-bo\",\"channel\":\"PHONE\",\"actionKinds\":[\"RESET_MFA\"]}")
                    .post("/cases/" + caseNumber + "/consents/verbal").then().statusCode(403)
                    .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));
            session.body("{}").post("/nowhere").then().statusCode(403)
                    .body("detail", containsString("POST /nowhere was refused and recorded"));
            assertThat(stored("ImpersonationWriteRefused")).isEqualTo(before + 6);
            assertThat(jdbc.query("SELECT payload FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype"
                    + " LIKE '%ImpersonationWriteRefused' ORDER BY sequencenumber DESC", row -> new String(
                            row.getBytes(1), java.nio.charset.StandardCharsets.UTF_8), caseNumber).get(0))
                    .contains("\"path\":\"/nowhere\"").contains(sessionId);
            assertThat(stored("MfaFactorsReset")).isZero();
            // what the session read and tried is filed under its case, as research and actions are
            String viewed = "viewed-" + UUID.randomUUID();
            String tried = "tried-" + UUID.randomUUID();
            given().header("Authorization", "Session " + token).header("X-Request-Id", viewed)
                    .get("/admin-view/policies").then().statusCode(200);
            given().header("Authorization", "Session " + token).header("X-Request-Id", tried).contentType(
                    ContentType.JSON).body("{}").post("/admin-view/groups").then().statusCode(403);
            List<ConsumerRecord<String, byte[]>> logs = TopicReader.readUntil(Topics.LOG, read -> read.stream()
                    .filter(r -> List.of(viewed, tried).contains(header(r, "ce_correlationid"))).count() >= 2, WAIT);
            for (String id : List.of(viewed, tried)) {
                ConsumerRecord<String, byte[]> log = logs.stream().filter(r -> id.equals(header(r,
                        "ce_correlationid"))).findFirst().orElseThrow();
                assertThat(header(log, "ce_caseid")).as(id).isEqualTo(caseNumber);
            }
            as(TOM).get("/admin-view/policies").then().statusCode(403);
            for (String feature : List.of("/admin-view/features/ftrBETA", "/admin-view/features/ftrBETA/dependencies",
                    "/admin-view/features/ftrBASE/dependents")) {
                as(TOM).get(feature).then().statusCode(403); // a token of its own, not a session's
            }
        } finally {
            endSession(sessionId, tom); // also when an assertion failed: other tests' Tom is not impersonating
        }
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                .get("/admin-view/policies").then().statusCode(401));
        given().header("Authorization", "Session " + token).get("/admin-view/features/ftrBETA").then()
                .statusCode(401);
    }
}
