package io.casetrail.logs.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the replay counts as a change of a live System Log entry. */
class ReplayDifferencesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Refusals stored before they had their type's legacy type have none: not a change. Any other entry without
     * its legacy type has lost it (a SIEM rule keyed on it would miss the entry): a change.
     */
    @Test
    void onlyARefusalMayLackItsLegacyType() throws Exception {
        JsonNode refusal = JSON.readTree("""
                {"eventType":"user.session.impersonation.initiate","legacyEventType":"core.user.impersonation.refused",
                 "outcome":{"result":"DENY","reason":"read-only"}}""");
        assertThat(changes(refusal, withoutLegacyType(refusal), true)).isEmpty();

        JsonNode extension = JSON.readTree("""
                {"eventType":"user.session.impersonation.extend",
                 "legacyEventType":"core.user.impersonation.grant.extended","outcome":{"result":"SUCCESS"}}""");
        assertThat(changes(extension, withoutLegacyType(extension), false)).containsExactly(new AuditReport.Change(
                "org-1", "u-1", "legacyEventType", "\"core.user.impersonation.grant.extended\"", "null"));
        // and a key missing, or null, is the same as the other
        ObjectNode withoutKey = withoutLegacyType(extension);
        withoutKey.remove("legacyEventType");
        assertThat(changes(extension, withoutKey, false)).hasSize(1);
        ObjectNode nullZone = ((ObjectNode) extension.deepCopy()).putNull("zone");
        assertThat(changes(extension, nullZone, false)).isEmpty();
    }

    /**
     * Entries written before 2026-12-01 carry an earlier form of the same content: a message with a suffix since
     * dropped, and an org-wide grant's cases listed in {@code case_number}. Not a change; any other message, or a
     * case list that is not the one its targets name, is.
     */
    @Test
    void anEntryWrittenInItsFormerFormIsNoChange() throws Exception {
        JsonNode expected = JSON.readTree("""
                {"eventType":"user.session.impersonation.grant","displayMessage":"Enable impersonation grant",
                 "target":[{"id":"g-1","type":"ImpersonationGrant"},{"id":"00100001","type":"SupportCase"},
                           {"id":"00100002","type":"SupportCase"}],
                 "debugContext":{"debugData":{}}}""");
        JsonNode former = JSON.readTree("""
                {"eventType":"user.session.impersonation.grant","displayMessage":"Enable impersonation grant (org-wide)",
                 "target":[{"id":"g-1","type":"ImpersonationGrant"},{"id":"00100001","type":"SupportCase"},
                           {"id":"00100002","type":"SupportCase"}],
                 "debugContext":{"debugData":{"case_number":"00100001,00100002"}}}""");
        assertThat(changes(expected, Replay.inTodaysForm(expected, former), false)).isEmpty();

        ObjectNode otherMessage = ((ObjectNode) former.deepCopy()).put("displayMessage", "Enable grant (org-wide)");
        assertThat(changes(expected, Replay.inTodaysForm(expected, otherMessage), false)).extracting(
                AuditReport.Change::field).containsExactly("displayMessage");
        ObjectNode otherCases = former.deepCopy();
        ((ObjectNode) otherCases.path("debugContext").path("debugData")).put("case_number", "00100001,00100003");
        assertThat(changes(expected, Replay.inTodaysForm(expected, otherCases), false)).extracting(
                AuditReport.Change::field).containsExactly("debugContext.debugData.case_number");
        JsonNode consented = JSON.readTree("""
                {"eventType":"user.mfa.factor.reset_all","displayMessage":"Reset all factors for user"}""");
        JsonNode consentedBefore = JSON.readTree("""
                {"eventType":"user.mfa.factor.reset_all",
                 "displayMessage":"Reset all factors for user (by support, with consent)"}""");
        assertThat(changes(consented, Replay.inTodaysForm(consented, consentedBefore), false)).isEmpty();
        // a suffix another type had is a change
        JsonNode expiredOnAReset = JSON.readTree("""
                {"eventType":"user.mfa.factor.reset_all","displayMessage":"Reset all factors for user: the grant expired"}""");
        assertThat(changes(consented, Replay.inTodaysForm(consented, expiredOnAReset), false)).extracting(
                AuditReport.Change::field).containsExactly("displayMessage");
    }

    private static ObjectNode withoutLegacyType(JsonNode entry) {
        return ((ObjectNode) entry.deepCopy()).putNull("legacyEventType");
    }

    private static java.util.List<AuditReport.Change> changes(JsonNode expected, JsonNode live, boolean refusal) {
        AuditReport.Builder report = new AuditReport.Builder(new Replay.Options("kafka:9092", "http://log", "t", null,
                "org-1", null), Instant.EPOCH);
        Replay.differences("", expected, live, new Replay.Placed("org-1", "u-1"), refusal, report);
        return report.build(Instant.EPOCH).changed();
    }
}
