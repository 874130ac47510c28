package io.casetrail.systemtests;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import com.icegreen.greenmail.util.GreenMailUtil;

import io.casetrail.events.Topics;
import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;

/**
 * Consent and the admin actions across the running services: a customer's case in case-service becomes known to
 * org-admin-service over Kafka; the org admin who opened it consents; support resets a password and sends a
 * temporary password (real SMTP); the events reach the topic, the org's System Log in log-service and the case's
 * timeline in case-service. A refusal for want of consent and a write attempted in the impersonation admin view
 * travel the same way. The temporary password is in the e-mails and nowhere else.
 */
class ConsentedAdminActionPathTest extends StackTest {

    static final String ORG = "org-path-" + Long.toString(System.nanoTime(), 36);
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).name("Ada").sign();
    static final String SAM = MINT.token("admin-sam").role(Roles.ORG_SUPER_ADMIN).org(ORG).name("Sam").sign();
    static final String OPERATOR = MINT.token("ops-olga").role(Roles.PLATFORM_OPERATOR).sign();
    static final String ALICE = "00upath1alice";

    @Test
    void consentActionTopicSystemLogAndTimelineWithTheTemporaryPasswordOnlyInTheMail() throws Exception {
        as(OPERATOR).body("""
                {"org":{"id":"%s","name":"Path Corp","url":"https://path.okta.com"},
                 "users":[{"id":"%s","login":"alice@path.example","firstName":"Alice","lastName":"Ng",
                           "email":"alice@path.example","secondEmail":"alice@home.example","status":"LOCKED_OUT",
                           "factors":[{"id":"f1","factorType":"push","provider":"OKTA","status":"ACTIVE"}]}],
                 "groups":[{"id":"00g1","name":"Everyone","members":["%s"]}]}
                """.formatted(ORG, ALICE, ALICE)).put(url("org-admin-service", "/orgs/" + ORG + "/directory"))
                .then().statusCode(200);
        String caseNumber = caseAssignedToTom(ADA, "https://path.okta.com", "Alice is locked out");
        String action = "/orgs/" + ORG + "/users/" + ALICE + "/lifecycle/";
        String onCase = "{\"caseNumber\":\"" + caseNumber + "\"}";

        // org-admin-service learns of the case and its assignment from case-service's events; until consent, no
        await().atMost(WAIT).untilAsserted(() -> as(TSE).body(onCase).post(url("org-admin-service",
                action + "reset-password")).then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/consent-required")));

        as(ADA).body("{\"actionKinds\":[\"RESET_PASSWORD\",\"TEMPORARY_PASSWORD\"],\"targetUserIds\":[\"" + ALICE
                + "\"]}").post(url("org-admin-service", "/cases/" + caseNumber + "/consents")).then().statusCode(201);
        String resetRequest = as(TSE).body(onCase).post(url("org-admin-service", action + "reset-password")).then()
                .statusCode(200).body("status", equalTo("DONE")).body("recipients", equalTo(1)).extract()
                .header("X-Request-Id");
        String answer = as(TSE).body(onCase).post(url("org-admin-service", action + "temporary-password")).then()
                .statusCode(200).body("recipients", equalTo(2)).extract().asString();

        // the mail: a reset link to Alice, the temporary password to both her addresses
        MimeMessage reset = mailTo("alice@path.example", "Reset your password");
        assertThat(GreenMailUtil.getBody(reset)).contains("https://path.okta.com/reset_password/")
                .contains(caseNumber);
        String password = temporaryPassword(mailTo("alice@path.example", "Your temporary password"));
        assertThat(temporaryPassword(mailTo("alice@home.example", "Your temporary password"))).isEqualTo(password);

        // the events on the topic, naming the case; the password in none of them
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readUntil(stack.kafka(), Topics.ORG_ADMIN, read -> types(read,
                caseNumber).containsAll(List.of("io.casetrail.orgadmin.action-refused.v1",
                "io.casetrail.orgadmin.password-reset-sent.v1", "io.casetrail.orgadmin.temporary-password-sent.v1")),
                WAIT);
        assertThat(types(records, caseNumber)).contains("io.casetrail.orgadmin.consent-given.v1",
                "io.casetrail.orgadmin.action-refused.v1", "io.casetrail.orgadmin.password-reset-sent.v1",
                "io.casetrail.orgadmin.temporary-password-sent.v1");

        // the org's System Log, read by its admin
        String byCase = "debugContext.debugData.case_number eq \"" + caseNumber + "\" and eventType sw \"user.\"";
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(ADA).queryParam("filter", byCase)
                .get(url("log-service", "/api/v1/logs")).then().statusCode(200).extract().jsonPath()
                .getList("eventType", String.class)).containsExactly("user.account.reset_password",
                "user.account.reset_password", "user.account.expire_password"));
        JsonPath log = as(ADA).queryParam("filter", byCase).get(url("log-service", "/api/v1/logs")).then()
                .extract().jsonPath();
        assertThat(log.getList("outcome.result", String.class)).containsExactly("DENY", "SUCCESS", "SUCCESS");
        assertThat(log.getString("[1].actor.id")).isEqualTo("tse-tom");
        // the request id the reset's answer gave is the entry's, as the identity platform's System Log has it
        assertThat(resetRequest).isNotBlank();
        assertThat(log.getString("[1].transaction.id")).isEqualTo(resetRequest);
        assertThat(log.getString("[1].debugContext.debugData.requestId")).isEqualTo(resetRequest);
        assertThat(log.getString("[1].target[0].id")).isEqualTo(ALICE);
        // the internal log under that request id: the request itself and the event it caused
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(TSE).queryParam("orgId", ORG)
                .queryParam("requestId", resetRequest).get(url("log-service", "/internal-logs")).then()
                .statusCode(200).extract().jsonPath().getList("type", String.class)).containsExactlyInAnyOrder(
                        "io.casetrail.log.request.v1", "io.casetrail.orgadmin.password-reset-sent.v1"));

        // the case timeline, as the customer sees it: each once
        await().atMost(WAIT).untilAsserted(() -> assertThat(as(ADA).get(url("case-service", "/cases/" + caseNumber
                + "/timeline")).then().statusCode(200).extract().jsonPath().getList("type", String.class))
                .containsOnlyOnce("io.casetrail.orgadmin.consent-given.v1", "io.casetrail.orgadmin.action-refused.v1",
                        "io.casetrail.orgadmin.password-reset-sent.v1",
                        "io.casetrail.orgadmin.temporary-password-sent.v1"));

        // the temporary password reached nothing but the mail: not the answer, the topic, the log, the timeline,
        // the services' own logs
        assertThat(answer).doesNotContain(password);
        for (String topic : List.of(Topics.ORG_ADMIN, Topics.LOG)) {
            for (ConsumerRecord<String, byte[]> record : TopicReader.readAll(stack.kafka(), topic)) {
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).as(topic).doesNotContain(password);
            }
        }
        assertThat(as(ADA).queryParam("q", caseNumber).get(url("log-service", "/api/v1/logs")).then().statusCode(200)
                .extract().asString()).contains("user.account.reset_password").doesNotContain(password);
        assertThat(as(TSE).get(url("case-service", "/cases/" + caseNumber + "/timeline")).then().statusCode(200)
                .extract().asString()).contains("io.casetrail.orgadmin.temporary-password-sent.v1")
                .doesNotContain(password);
        assertThat(stack.logs()).doesNotContain(password);
    }

    @Test
    void aWriteInTheImpersonationAdminViewIsRefusedAndReachesTheSystemLogAndTimeline() {
        as(OPERATOR).body("""
                {"org":{"id":"%s","name":"Path Corp","url":"https://path.okta.com"},
                 "groups":[{"id":"00g1","name":"Everyone","members":[]}]}
                """.formatted(ORG + "-view")).put(url("org-admin-service", "/orgs/" + ORG + "-view/directory"))
                .then().statusCode(200);
        String org = ORG + "-view";
        String admin = MINT.token("admin-sam").role(Roles.ORG_SUPER_ADMIN).org(org).name("Sam").sign();
        String caseNumber = caseAssignedToTom(admin, "https://path.okta.com", "Groups look wrong");
        await().atMost(WAIT).untilAsserted(() -> as(admin).get(url("support-access-service",
                "/api/v1/org/privacy/oktaSupport/cases")).then().statusCode(200)
                .body("supportCases.caseNumber", hasItem(caseNumber)));
        as(admin).post(url("support-access-service", "/api/v1/org/privacy/oktaSupport/grant")).then().statusCode(200);
        var session = as(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post(url("support-access-service", "/sessions")).then().statusCode(201).extract().jsonPath();
        String token = session.getString("token");

        // org-admin-service learns of the session from support-access-service's events
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                .get(url("org-admin-service", "/admin-view/groups")).then().statusCode(200)
                .body("profile.name", hasItem("Everyone")));
        given().header("Authorization", "Session " + token).contentType(ContentType.JSON).body("{\"name\":\"x\"}")
                .post(url("org-admin-service", "/admin-view/groups")).then().statusCode(403)
                .body("type", equalTo("https://casetrail.io/problems/read-only-impersonation"));

        await().atMost(WAIT).untilAsserted(() -> as(admin).queryParam("filter", "eventType eq \"support.org.update\"")
                .get(url("log-service", "/api/v1/logs")).then().statusCode(200)
                .body("outcome.result", equalTo(List.of("DENY")))
                .body("[0].debugContext.debugData.case_number", equalTo(caseNumber)));
        await().atMost(WAIT).untilAsserted(() -> as(admin).get(url("case-service", "/cases/" + caseNumber
                + "/timeline")).then().statusCode(200)
                .body("type", hasItem("io.casetrail.orgadmin.impersonation-write-refused.v1")));

        // once the session ends, its token opens nothing
        as(TSE).post(url("support-access-service", "/sessions/" + session.getString("sessionId") + "/stop")).then()
                .statusCode(200);
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", "Session " + token)
                .get(url("org-admin-service", "/admin-view/groups")).then().statusCode(401));
    }

    private static MimeMessage mailTo(String address, String subject) throws Exception {
        await().atMost(WAIT).until(() -> !stack.mailTo(address, subject).isEmpty());
        List<MimeMessage> messages = stack.mailTo(address, subject);
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static String temporaryPassword(MimeMessage message) {
        Matcher matcher = Pattern.compile(":\\s*\\r?\\n\\s*\\r?\\n(\\S+)\\s*\\r?\\n").matcher(
                GreenMailUtil.getBody(message));
        assertThat(matcher.find()).as("a temporary password in %s", GreenMailUtil.getBody(message)).isTrue();
        return matcher.group(1);
    }

    private static List<String> types(List<ConsumerRecord<String, byte[]>> records, String caseNumber) {
        return records.stream().filter(r -> caseNumber.equals(r.key()))
                .map(r -> new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8)).toList();
    }
}
