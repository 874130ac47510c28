package io.casetrail.orgadmin.query;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;

import io.casetrail.events.orgadmin.ActionKind;
import io.casetrail.events.orgadmin.ConsentChannel;
import io.casetrail.events.orgadmin.ConsentExpired;
import io.casetrail.events.orgadmin.ConsentGiven;
import io.casetrail.events.orgadmin.ConsentWithdrawn;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;

/** Consents as the consent endpoints list them ({@code consent_view}). */
@Singleton
@ProcessingGroup("consent-views")
public class ConsentProjection implements Projection {

    /** A consent as listed. */
    public record ConsentView(String consentId, String orgId, String caseNumber, String givenBy, ConsentChannel channel,
                              Instant givenAt, List<ActionKind> actionKinds, List<String> targetUserIds,
                              List<String> featureFlags, Instant expiresAt, String recordedBy, String status,
                              Instant endedAt) {
    }

    private final Jdbc jdbc;
    private final Clock clock;

    public ConsentProjection(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @EventHandler
    void on(ConsentGiven e) {
        jdbc.update("INSERT INTO consent_view (consent_id, org_id, case_number, given_by, channel, given_at,"
                        + " action_kinds, target_users, feature_flags, expires_at, recorded_by, status)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE')", e.consentId(), e.orgId(),
                e.caseNumber(), e.givenBy(), e.channel(), e.givenAt(),
                String.join(",", e.actionKinds().stream().map(Enum::name).toList()), String.join(",",
                        e.targetUserIds()), String.join(",", e.featureFlags()), e.expiresAt(), e.actor().id());
    }

    @EventHandler
    void on(ConsentWithdrawn e, @Timestamp Instant at) {
        jdbc.update("UPDATE consent_view SET status = 'WITHDRAWN', ended_at = ? WHERE consent_id = ?", at,
                e.consentId());
    }

    @EventHandler
    void on(ConsentExpired e) {
        jdbc.update("UPDATE consent_view SET status = 'EXPIRED', ended_at = ? WHERE consent_id = ?", e.expiredAt(),
                e.consentId());
    }

    @ResetHandler
    void reset() {
        jdbc.clear("consent_view");
    }

    /** A case's consents, oldest first, after the one {@code after} points at. */
    public Page<ConsentView> ofCase(String caseNumber, Page.At after, int limit) {
        List<Object> parameters = new ArrayList<>(List.of(caseNumber));
        String sql = Page.At.query("SELECT * FROM consent_view WHERE case_number = ?", "given_at", "consent_id", false,
                after, parameters, limit);
        Instant now = clock.instant();
        return Page.of(jdbc.query(sql, row -> view(row, now), parameters.toArray()), limit,
                consent -> new Page.At(consent.givenAt(), consent.consentId()).cursor());
    }

    /** One consent of a case. */
    public Optional<ConsentView> find(String caseNumber, String consentId) {
        Instant now = clock.instant();
        return jdbc.queryOne("SELECT * FROM consent_view WHERE consent_id = ? AND case_number = ?",
                row -> view(row, now), consentId, caseNumber);
    }

    /**
     * A consent as of {@code now}: one past its expiry is shown EXPIRED (ended then) even before its expiry's event
     * is recorded (a deadline, polled, and late after downtime), as the actions already treat it.
     */
    private static ConsentView view(ResultSet row, Instant now) throws SQLException {
        Instant expiresAt = Jdbc.instant(row, "expires_at");
        boolean lapsed = "ACTIVE".equals(row.getString("status")) && !now.isBefore(expiresAt);
        return new ConsentView(
                row.getString("consent_id"), row.getString("org_id"), row.getString("case_number"),
                row.getString("given_by"), ConsentChannel.valueOf(row.getString("channel")),
                Jdbc.instant(row, "given_at"), split(row.getString("action_kinds")).stream()
                .map(ActionKind::valueOf).toList(), split(row.getString("target_users")),
                split(row.getString("feature_flags")), expiresAt, row.getString("recorded_by"),
                lapsed ? "EXPIRED" : row.getString("status"), lapsed ? expiresAt : Jdbc.instant(row, "ended_at"));
    }

    private static List<String> split(String list) {
        return list == null || list.isBlank() ? List.of() : List.of(list.split(","));
    }
}
