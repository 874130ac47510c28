package io.casetrail.orgadmin.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.casetrail.events.orgadmin.ActionKind;

/**
 * Who gave a consent must still be on the case; a consent restored from an older snapshot names nobody; a consent
 * recorded as expired allows nothing.
 */
class ConsentPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    static ConsentPolicy.Consent given(String by) {
        return new ConsentPolicy.Consent("c-1", by, List.of(ActionKind.RESET_MFA), List.of(), List.of(),
                NOW.plusSeconds(3600), false, 2L);
    }

    @Test
    void aConsentCountsWhileItsGiverIsOnTheCase() {
        assertThat(ConsentPolicy.decide(List.of(given("admin-ada")), Set.of(), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                "admin-ada"::equals).consentId()).contains("c-1");
        assertThat(ConsentPolicy.decide(List.of(given("admin-bo")), Set.of(), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                "admin-ada"::equals).reason()).contains("given by admin-bo, no longer");
    }

    /** Snapshots taken before the giver was kept restore consents without one: they count, as they did. */
    @Test
    void aConsentFromASnapshotThatNamesNoGiverStillCounts() {
        assertThat(ConsentPolicy.decide(List.of(given(null)), Set.of(), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                admin -> false).consentId()).contains("c-1");
    }

    /**
     * Recorded as expired (its deadline run on an instance whose clock is ahead, or its case closed), a consent
     * allows nothing, whatever this instance's clock says: the record never shows an action after the expiry.
     */
    @Test
    void aConsentRecordedAsExpiredAllowsNothingBeforeItsTime() {
        ConsentPolicy.Decision decision = ConsentPolicy.decide(List.of(given("admin-ada")), Set.of("c-1"),
                "00100001", ActionKind.RESET_MFA, "00u1", NOW, "admin-ada"::equals);
        assertThat(decision.consentId()).isEmpty();
        assertThat(decision.reason()).isEqualTo("consent c-1 expired");
    }
}
