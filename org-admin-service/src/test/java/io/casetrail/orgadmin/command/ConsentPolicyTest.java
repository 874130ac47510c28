package io.casetrail.orgadmin.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.casetrail.events.orgadmin.ActionKind;

/** Who gave a consent must still be on the case; a consent restored from an older snapshot names nobody. */
class ConsentPolicyTest {

    static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    static ConsentPolicy.Consent given(String by) {
        return new ConsentPolicy.Consent("c-1", by, List.of(ActionKind.RESET_MFA), List.of(), List.of(),
                NOW.plusSeconds(3600), false);
    }

    @Test
    void aConsentCountsWhileItsGiverIsOnTheCase() {
        assertThat(ConsentPolicy.decide(List.of(given("admin-ada")), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                "admin-ada"::equals).consentId()).contains("c-1");
        assertThat(ConsentPolicy.decide(List.of(given("admin-bo")), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                "admin-ada"::equals).reason()).contains("given by admin-bo, no longer");
    }

    /** Snapshots taken before the giver was kept restore consents without one: they count, as they did. */
    @Test
    void aConsentFromASnapshotThatNamesNoGiverStillCounts() {
        assertThat(ConsentPolicy.decide(List.of(given(null)), "00100001", ActionKind.RESET_MFA, "00u1", NOW,
                admin -> false).consentId()).contains("c-1");
    }
}
