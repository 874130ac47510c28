package io.casetrail.access.query;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import io.casetrail.events.access.GrantScope;
import io.casetrail.platform.api.Page;
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
    private final Clock clock;

    public AccessQueries(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * The org-wide grant in force now. A grant past its expiry is over, as the aggregate holds it, even while its
     * row still says ACTIVE (its expiry deadline fires moments later, or later after downtime), and a grant given
     * again since is the one in force.
     */
    public Optional<GrantView> activeOrgGrant(String orgId) {
        return jdbc.queryOne("SELECT * FROM access_grant WHERE org_id = ? AND scope = 'ORG' AND status = 'ACTIVE'"
                + " AND expires_at > ? ORDER BY expires_at DESC", AccessQueries::grant, orgId, clock.instant());
    }

    /** The case's own grant in force now (as {@link #activeOrgGrant}). */
    public Optional<GrantView> activeCaseGrant(String orgId, String caseNumber) {
        return jdbc.queryOne("SELECT * FROM access_grant WHERE org_id = ? AND scope = 'CASE' AND case_number = ?"
                + " AND status = 'ACTIVE' AND expires_at > ? ORDER BY expires_at DESC", AccessQueries::grant, orgId,
                caseNumber, clock.instant());
    }

    public Optional<SessionView> session(String sessionId) {
        return jdbc.queryOne("SELECT * FROM access_session WHERE session_id = ?", AccessQueries::session, sessionId);
    }

    /** An org's API tokens, oldest first, after the one {@code after} points at. */
    public Page<TokenView> tokens(String orgId, Page.At after, int limit) {
        List<Object> parameters = new ArrayList<>(List.of(orgId));
        String sql = Page.At.query("SELECT " + TOKEN_COLUMNS + " FROM api_token_view WHERE org_id = ?",
                "created_at", "token_id", false, after, parameters, limit);
        return Page.of(jdbc.query(sql, AccessQueries::token, parameters.toArray()), limit,
                token -> new Page.At(token.createdAt(), token.id()).cursor());
    }

    /** An API token and the org it belongs to. */
    public record OrgToken(String orgId, TokenView token) {
    }

    public Optional<OrgToken> token(String tokenId) {
        return jdbc.queryOne("SELECT org_id, " + TOKEN_COLUMNS + " FROM api_token_view WHERE token_id = ?",
                row -> new OrgToken(row.getString("org_id"), token(row)), tokenId);
    }

    private static final String TOKEN_COLUMNS = "token_id, name, created_by, created_at, revoked_at";

    private static TokenView token(java.sql.ResultSet row) throws java.sql.SQLException {
        return new TokenView(row.getString("token_id"), row.getString("name"), row.getString("created_by"),
                Jdbc.instant(row, "created_at"), Jdbc.instant(row, "revoked_at"));
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
