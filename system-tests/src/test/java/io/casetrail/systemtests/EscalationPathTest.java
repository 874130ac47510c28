package io.casetrail.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.casetrail.platform.security.Roles;

/**
 * An escalation across the running services: a customer's case in case-service reaches escalation-service over
 * Kafka; support raises it, the lead and the manager approve, Engineering accepts, an escalation manager takes it;
 * case-service marks the case escalated, shows the manager as the customer's intermediary, and puts every step on
 * the case's timeline (internal, but for the manager's assignment), until support closes it.
 */
class EscalationPathTest extends StackTest {

    static final String ORG = "org-esc-" + Long.toString(System.nanoTime(), 36);
    static final String ADA = MINT.token("admin-ada").role(Roles.ORG_ADMIN).org(ORG).name("Ada").sign();
    static final String MAY = MINT.token("mgr-may").role(Roles.SUPPORT_MANAGER).team("sso").name("May").sign();
    static final String DEV = MINT.token("eng-dev").role(Roles.ENGINEER).name("Dev").sign();
    static final String EVE = MINT.token("em-eve").role(Roles.ESCALATION_MANAGER).name("Eve").sign();

    @Test
    void raisedApprovedWorkedAndClosedWithTheCaseFollowing() {
        String caseNumber = caseAssignedToTom(ADA, "https://esc.okta.com", "SAML login fails");
        String raise = """
                {"requestType":"defect","summary":"SAML assertions rejected","customerImpact":"Nobody signs in"}""";
        String escalation = await().atMost(WAIT).ignoreExceptions().until(() -> as(TSE).body(raise)
                .post(url("escalation-service", "/cases/" + caseNumber + "/escalations")).then().statusCode(201)
                .extract().path("escalationId"), id -> id != null);
        String base = "/escalations/" + escalation;

        await().atMost(WAIT).untilAsserted(() -> as(ADA).get(url("case-service", "/cases/" + caseNumber)).then()
                .statusCode(200).body("escalated", equalTo(true)).body("intermediary", equalTo("tse-tom")));

        as(LEAD).post(url("escalation-service", base + "/approvals")).then().statusCode(200);
        as(MAY).post(url("escalation-service", base + "/approvals")).then().statusCode(200)
                .body("status", equalTo("APPROVED"));
        as(DEV).post(url("escalation-service", base + "/acceptance")).then().statusCode(200);
        as(EVE).post(url("escalation-service", base + "/manager")).then().statusCode(200);

        await().atMost(WAIT).untilAsserted(() -> as(ADA).get(url("case-service", "/cases/" + caseNumber)).then()
                .body("intermediary", equalTo("em-eve")).body("escalated", equalTo(true)));
        await().atMost(WAIT).untilAsserted(() -> as(LEAD).get(url("case-service", "/cases/" + caseNumber
                + "/timeline")).then().body("type", hasItems("io.casetrail.escalation.raised.v1",
                "io.casetrail.escalation.approved.v1", "io.casetrail.escalation.accepted.v1",
                "io.casetrail.escalation.manager-assigned.v1")));
        as(ADA).get(url("case-service", "/cases/" + caseNumber + "/timeline")).then()
                .body("type", hasItem("io.casetrail.escalation.manager-assigned.v1"))
                .body("type", not(hasItem("io.casetrail.escalation.raised.v1")));

        as(DEV).body("{\"text\":\"Cache flushed\"}").post(url("escalation-service", base + "/resolution")).then()
                .statusCode(200);
        as(TSE).post(url("escalation-service", base + "/closure")).then().statusCode(200)
                .body("status", equalTo("CLOSED"));
        await().atMost(WAIT).untilAsserted(() -> as(ADA).get(url("case-service", "/cases/" + caseNumber)).then()
                .body("escalated", equalTo(false)).body("intermediary", equalTo("tse-tom")));
        // every step on the case's timeline, once and in order; the customer sees the manager's assignment alone
        await().atMost(WAIT).untilAsserted(() -> assertThat(escalationSteps(LEAD, caseNumber)).containsExactly(
                "io.casetrail.escalation.raised.v1", "io.casetrail.escalation.step-approved.v1",
                "io.casetrail.escalation.step-approved.v1", "io.casetrail.escalation.approved.v1",
                "io.casetrail.escalation.accepted.v1", "io.casetrail.escalation.manager-assigned.v1",
                "io.casetrail.escalation.resolved.v1", "io.casetrail.escalation.closed.v1"));
        assertThat(escalationSteps(ADA, caseNumber)).containsExactly("io.casetrail.escalation.manager-assigned.v1");
    }

    private List<String> escalationSteps(String token, String caseNumber) {
        return as(token).get(url("case-service", "/cases/" + caseNumber + "/timeline")).then().statusCode(200)
                .extract().jsonPath().getList("type", String.class).stream()
                .filter(type -> type.startsWith("io.casetrail.escalation.")).toList();
    }
}
