package io.casetrail.access.query;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.casetrail.events.access.GrantScope;
import io.casetrail.platform.store.Jdbc;

/** Reads of the support access read models. */
@Singleton
public class AccessQueries {

    /** A grant as listed. */
    public record GrantView(String grantId, String orgId, GrantScope scope, String caseNumber, String grantedBy,
                            Instant grantedAt, Instant expiresAt, String status, Instant endedAt) {
    }

    /** A session as listed. */
    public record SessionView(String sessionId, String orgId, String caseNumber, String grantId, String engineer,
                              Instant startedAt, Instant endsAt, Instant endedAt, String endReason) {
    }

    /** An API token as listed (never its secret). */
    public record TokenView(String id, String name, String createdBy, Instant createdAt, Instant revokedAt) {
    }

    private final Jdbc jdbc;

    public AccessQueries(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<GrantView> activeOrgGrant(String orgId) {
        return jdbc.queryOne("SELECT * FROM access_grant WHERE org_id = ? AND scope = 'ORG' AND status = 'ACTIVE'",
                AccessQueries::grant, orgId);
    }

    public Optional<GrantView> activeCaseGrant(String orgId, String caseNumber) {
        return jdbc.queryOne("SELECT * FROM access_grant WHERE org_id = ? AND scope = 'CASE' AND case_number = ?"
                + " AND status = 'ACTIVE'", AccessQueries::grant, orgId, caseNumber);
    }

    public List<GrantView> grants(String orgId) {
        return jdbc.query("SELECT * FROM access_grant WHERE org_id = ? ORDER BY granted_at DESC",
                AccessQueries::grant, orgId);
    }

    public Optional<SessionView> session(String sessionId) {
        return jdbc.queryOne("SELECT * FROM access_session WHERE session_id = ?", AccessQueries::session, sessionId);
    }

    public List<SessionView> sessions(String orgId) {
        return jdbc.query("SELECT * FROM access_session WHERE org_id = ? ORDER BY started_at DESC",
                AccessQueries::session, orgId);
    }

    public List<TokenView> tokens(String orgId) {
        return jdbc.query("SELECT token_id, name, created_by, created_at, revoked_at FROM api_token_view"
                + " WHERE org_id = ? ORDER BY created_at", row -> new TokenView(row.getString(1), row.getString(2),
                row.getString(3), Jdbc.instant(row, "created_at"), Jdbc.instant(row, "revoked_at")), orgId);
    }

    private static GrantView grant(java.sql.ResultSet row) throws java.sql.SQLException {
        return new GrantView(row.getString("grant_id"), row.getString("org_id"),
                GrantScope.valueOf(row.getString("scope")), row.getString("case_number"), row.getString("granted_by"),
                Jdbc.instant(row, "granted_at"), Jdbc.instant(row, "expires_at"), row.getString("status"),
                Jdbc.instant(row, "ended_at"));
    }

    private static SessionView session(java.sql.ResultSet row) throws java.sql.SQLException {
        return new SessionView(row.getString("session_id"), row.getString("org_id"), row.getString("case_number"),
                row.getString("grant_id"), row.getString("engineer"), Jdbc.instant(row, "started_at"),
                Jdbc.instant(row, "ends_at"), Jdbc.instant(row, "ended_at"), row.getString("end_reason"));
    }
}
