package io.casetrail.logs.systemlog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.Actor;
import io.casetrail.events.CloudEvent;
import io.casetrail.events.DomainEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.RequestOrigin;
import io.casetrail.events.access.GrantScope;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.events.orgadmin.MfaFactorsReset;
import io.casetrail.platform.security.Roles;

/**
 * The platform's field {@code debugData.case_number} holds one case number, and its display messages are matched
 * word for word by SIEM rules: an entry keeps both as the platform writes them.
 */
class LogEventMapperTest {

    static final ObjectMapper JSON = EventJson.newMapper();
    static final LogEventMapper MAPPER = new LogEventMapper(JSON);
    static final Actor SUPER = new Actor("admin-sam", "Sam", Actor.Kind.CUSTOMER, Roles.ORG_SUPER_ADMIN);
    static final RequestOrigin ORIGIN = new RequestOrigin("203.0.113.7", "okta-sdk-java/24.0.0", null);
    static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @Test
    void anOrgWideGrantOverSeveralCasesNamesThemAsTargetsAndNoneAsItsCaseNumber() throws Exception {
        JsonNode entry = map(new SupportAccessGranted("org-1", "g-1", GrantScope.ORG, null,
                List.of("00100001", "00100002"), T0.plusSeconds(8 * 3600), ORIGIN, SUPER));
        assertThat(entry.path("displayMessage").asText()).isEqualTo("Enable impersonation grant");
        assertThat(entry.path("debugContext").path("debugData").has("case_number")).isFalse();
        assertThat(entry.findValues("id").stream().map(JsonNode::asText))
                .contains("g-1", "00100001", "00100002");
        assertThat(JSON.convertValue(entry.path("target"), List.class)).hasSize(3);

        JsonNode single = map(new SupportAccessGranted("org-1", "g-2", GrantScope.ORG, null, List.of("00100001"),
                T0.plusSeconds(8 * 3600), ORIGIN, SUPER));
        assertThat(single.path("debugContext").path("debugData").path("case_number").asText()).isEqualTo("00100001");
    }

    @Test
    void messagesAreThePlatformsOwn() throws Exception {
        assertThat(map(new SupportAccessExpired("org-1", "g-1", GrantScope.CASE, "00100001", List.of("00100001"),
                T0, Actor.SYSTEM)).path("displayMessage").asText()).isEqualTo("Revoke impersonation grant");
        assertThat(map(new MfaFactorsReset("org-1", "00100001", "c-1", "00u1", "alice@example.com", List.of("sms"),
                new Actor("tse-tom", "Tom", Actor.Kind.SUPPORT, Roles.SUPPORT_ENGINEER)))
                .path("displayMessage").asText()).isEqualTo("Reset all factors for user");
    }

    /** A grant the Super Administrator revoked has no reason; one ended by its case's closure says so. */
    @Test
    void aGrantEndedByItsCasesClosureSaysSo() throws Exception {
        JsonNode bySystem = map(new SupportAccessRevoked("org-1", "g-1", GrantScope.CASE, "00100001",
                List.of("00100001"), RequestOrigin.NONE, Actor.SYSTEM));
        assertThat(bySystem.path("eventType").asText()).isEqualTo("user.session.impersonation.revoke");
        assertThat(bySystem.path("outcome").path("reason").asText()).isEqualTo("CASE_CLOSED");
        assertThat(bySystem.path("actor").path("id").asText()).isEqualTo("system");
        JsonNode bySuperAdmin = map(new SupportAccessRevoked("org-1", "g-1", GrantScope.CASE, "00100001",
                List.of("00100001"), ORIGIN, SUPER));
        assertThat(bySuperAdmin.path("outcome").path("reason").isNull()).isTrue();
    }

    /** published as the platform writes it: UTC, always with milliseconds, whatever the host's zone. */
    @Test
    void publishedIsUtcWithMilliseconds() throws Exception {
        assertThat(map(new SupportAccessExpired("org-1", "g-1", GrantScope.CASE, "00100001", List.of("00100001"),
                T0, Actor.SYSTEM)).path("published").asText()).isEqualTo("2026-12-01T08:00:00.000Z");
    }

    private static JsonNode map(DomainEvent event) throws Exception {
        byte[] data = JSON.writeValueAsBytes(event);
        CloudEvent envelope = new CloudEvent("e-" + System.nanoTime(), "/casetrail/test", EventCatalog.typeOf(
                event.getClass()), T0, "agg", "org-1", null, null, 1L, null, data);
        return MAPPER.map(envelope, event).orElseThrow().body();
    }
}
