package io.casetrail.systemtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.okta.sdk.authc.credentials.TokenClientCredentials;
import com.okta.sdk.client.Clients;
import com.okta.sdk.resource.api.OrgSettingSupportApi;
import com.okta.sdk.resource.api.SystemLogApi;
import com.okta.sdk.resource.client.ApiClient;
import com.okta.sdk.resource.client.ApiException;
import com.okta.sdk.resource.common.PagedList;
import com.okta.sdk.resource.model.LogEvent;
import com.okta.sdk.resource.model.OrgOktaSupportSetting;
import com.okta.sdk.resource.model.OrgOktaSupportSettingsObj;

import io.casetrail.platform.security.Roles;

/**
 * The identity platform's own Java SDK (okta-sdk 24.0.0), unchanged, against the running services: the org's Super
 * Administrator grants support access with {@code OrgSettingSupportApi} and an org API token, the engineer
 * impersonates through Casetrail's API, and {@code SystemLogApi} finds the grant, initiate and end entries with the
 * case number, by filter and by keyword, in both sort orders, across pages followed through {@code after}.
 */
class OktaSdkSupportAccessTest extends StackTest {

    static final String ORG = "org-sdk-" + Long.toString(System.nanoTime(), 36);
    static final String SUPER = MINT.token("admin-sam").role(Roles.ORG_SUPER_ADMIN).org(ORG).name("Sam Super").sign();

    static ApiClient sdk(String service, String apiToken) {
        return Clients.builder().setOrgUrl(stack.url(service))
                .setClientCredentials(new TokenClientCredentials(apiToken)).build();
    }

    @Test
    void superAdminGrantsThroughTheSdkAndTheSystemLogShowsTheSupportSessionThroughTheSdk() throws Exception {
        // a customer's case, assigned to Tom
        String caseNumber = caseAssignedToTom(SUPER, "https://sdk.okta.com", "SAML login fails");

        // the Super Administrator's org API token, usable on support-access-service and log-service
        String apiToken = as(SUPER).body("{\"name\":\"SIEM\"}").post(stack.url("support-access-service")
                + "/org-api-tokens").then().statusCode(201).extract().path("token");
        OrgSettingSupportApi support = new OrgSettingSupportApi(sdk("support-access-service", apiToken));
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(
                support.getOrgOktaSupportSettings().getSupport()).isEqualTo(OrgOktaSupportSetting.DISABLED));
        await().atMost(WAIT).untilAsserted(() -> as(SUPER).get(stack.url("support-access-service")
                + "/api/v1/org/privacy/oktaSupport/cases").then().statusCode(200)
                .body("supportCases.caseNumber", org.hamcrest.Matchers.hasItem(caseNumber)));

        OrgOktaSupportSettingsObj granted = support.grantOktaSupport();
        assertThat(granted.getSupport()).isEqualTo(OrgOktaSupportSetting.ENABLED);
        OffsetDateTime expiration = granted.getExpiration();
        assertThat(expiration).isAfter(OffsetDateTime.now(ZoneOffset.UTC).plusHours(7));
        assertThat(granted.getLinks().getRevoke().getHref()).endsWith("/api/v1/org/privacy/oktaSupport/revoke");

        // the engineer impersonates through Casetrail's own API
        String sessionId = as(TSE).body("{\"caseNumber\":\"" + caseNumber + "\"}")
                .post(stack.url("support-access-service") + "/sessions").then().statusCode(201)
                .extract().path("sessionId");
        as(TSE).post(stack.url("support-access-service") + "/sessions/" + sessionId + "/stop").then()
                .statusCode(200);

        // the System Log, read through the SDK with the same org API token
        SystemLogApi logs = new SystemLogApi(sdk("log-service", apiToken));
        String since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1).toString();
        String byCase = "debugContext.debugData.case_number eq \"" + caseNumber + "\"";
        // (log-service learns of the API token from the broker: until then the SDK's call is refused, 401)
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(types(logs.listLogEvents(since, null,
                null, byCase, null, 100, "ASCENDING"))).containsExactly("user.session.impersonation.grant",
                "user.session.impersonation.initiate", "user.session.impersonation.end"));

        List<LogEvent> grants = logs.listLogEvents(since, null, null,
                "eventType eq \"user.session.impersonation.grant\"", null, 100, "ASCENDING");
        assertThat(grants).hasSize(1);
        assertThat(grants.get(0).getDebugContext().getDebugData()).containsEntry("case_number", caseNumber);
        assertThat(grants.get(0).getActor().getId()).isEqualTo("admin-sam");
        assertThat(grants.get(0).getPublished()).isNotNull();

        List<LogEvent> initiated = logs.listLogEvents(since, null, null,
                "eventType eq \"user.session.impersonation.initiate\" and target.id eq \"" + caseNumber + "\"",
                null, 100, "ASCENDING");
        assertThat(initiated).hasSize(1);
        assertThat(initiated.get(0).getActor().getId()).isEqualTo("tse-tom");
        assertThat(initiated.get(0).getDebugContext().getDebugData()).containsEntry("case_number", caseNumber);

        // by keyword
        assertThat(types(logs.listLogEvents(since, null, null, null, caseNumber + " impersonation", 100,
                "ASCENDING"))).containsExactly("user.session.impersonation.grant",
                "user.session.impersonation.initiate", "user.session.impersonation.end");

        // bounded, newest first
        String until = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1).toString();
        assertThat(types(logs.listLogEvents(since, until, null, byCase, null, 100, "DESCENDING")))
                .containsExactly("user.session.impersonation.end", "user.session.impersonation.initiate",
                        "user.session.impersonation.grant");

        // one entry a page, following the SDK's own reading of the Link header
        List<String> paged = new ArrayList<>();
        List<LogEvent> page = logs.listLogEvents(since, until, null, byCase, null, 1, "ASCENDING");
        for (int i = 0; i < 10; i++) {
            paged.addAll(types(page));
            PagedList<?> links = (PagedList<?>) page;
            if (!links.hasMoreItems()) {
                break;
            }
            page = logs.listLogEvents(since, until, links.getAfter(), byCase, null, 1, "ASCENDING");
        }
        assertThat(paged).containsExactly("user.session.impersonation.grant", "user.session.impersonation.initiate",
                "user.session.impersonation.end");

        // the case timeline shows the session to the customer, from support-access-service's events
        await().atMost(WAIT).untilAsserted(() -> as(SUPER).get(stack.url("case-service") + "/cases/" + caseNumber
                + "/timeline").then().statusCode(200)
                .body("type", org.hamcrest.Matchers.hasItems("io.casetrail.access.session-started.v1",
                        "io.casetrail.access.session-ended.v1"))
                .body("find { it.type == 'io.casetrail.access.session-started.v1' }.visibility",
                        org.hamcrest.Matchers.equalTo("PUBLIC")));

        // extending and revoking through the SDK, each in the System Log with the case
        OrgOktaSupportSettingsObj extended = support.extendOktaSupport();
        assertThat(extended.getExpiration().toInstant()).isEqualTo(expiration.toInstant().plusSeconds(24 * 3600));
        assertThat(support.revokeOktaSupport().getSupport()).isEqualTo(OrgOktaSupportSetting.DISABLED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(types(logs.listLogEvents(since, null, null, byCase,
                null, 100, "ASCENDING"))).containsExactly("user.session.impersonation.grant",
                "user.session.impersonation.initiate", "user.session.impersonation.end",
                "user.session.impersonation.extend", "user.session.impersonation.revoke"));
        // a refusal reaches the SDK as the platform's error: extending what is no longer granted
        ApiException refused = catchThrowableOfType(ApiException.class, support::extendOktaSupport);
        assertThat(refused.getCode()).isEqualTo(400);
        assertThat(refused.getResponseBody()).contains("\"errorCode\":\"E0000001\"").contains("not granted");
    }

    private static List<String> types(List<LogEvent> events) {
        return events.stream().map(LogEvent::getEventType).toList();
    }
}
