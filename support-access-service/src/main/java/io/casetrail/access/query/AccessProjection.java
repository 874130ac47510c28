package io.casetrail.access.query;

import java.time.Instant;

import jakarta.inject.Singleton;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.Timestamp;

import io.casetrail.events.access.ApiTokenCreated;
import io.casetrail.events.access.ApiTokenRevoked;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.events.access.SupportAccessExpired;
import io.casetrail.events.access.SupportAccessExtended;
import io.casetrail.events.access.SupportAccessGranted;
import io.casetrail.events.access.SupportAccessRevoked;
import io.casetrail.platform.axon.Projection;
import io.casetrail.platform.store.Jdbc;

/** Grants, sessions and API tokens as the support access endpoints list them. */
@Singleton
@ProcessingGroup("access-views")
public class AccessProjection implements Projection {

    private final Jdbc jdbc;

    public AccessProjection(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(SupportAccessGranted e, @Timestamp Instant at) {
        jdbc.update("INSERT INTO access_grant (grant_id, org_id, scope, case_number, granted_by, granted_at,"
                        + " expires_at, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'ACTIVE')", e.grantId(), e.orgId(),
                e.scope(), e.caseNumber(), e.actor().id(), at, e.expiresAt());
    }

    @EventHandler
    void on(SupportAccessExtended e) {
        jdbc.update("UPDATE access_grant SET expires_at = ? WHERE grant_id = ?", e.expiresAt(), e.grantId());
    }

    @EventHandler
    void on(SupportAccessRevoked e, @Timestamp Instant at) {
        jdbc.update("UPDATE access_grant SET status = 'REVOKED', ended_at = ? WHERE grant_id = ?", at, e.grantId());
    }

    @EventHandler
    void on(SupportAccessExpired e, @Timestamp Instant at) {
        jdbc.update("UPDATE access_grant SET status = 'EXPIRED', ended_at = ? WHERE grant_id = ?", at, e.grantId());
    }

    @EventHandler
    void on(ImpersonationStarted e, @Timestamp Instant at) {
        jdbc.update("INSERT INTO access_session (session_id, org_id, case_number, grant_id, engineer, started_at,"
                        + " ends_at) VALUES (?, ?, ?, ?, ?, ?, ?)", e.sessionId(), e.orgId(), e.caseNumber(),
                e.grantId(), e.actor().id(), at, e.endsAt());
    }

    @EventHandler
    void on(ImpersonationExtended e) {
        jdbc.update("UPDATE access_session SET ends_at = ? WHERE session_id = ?", e.endsAt(), e.sessionId());
    }

    @EventHandler
    void on(ImpersonationEnded e, @Timestamp Instant at) {
        jdbc.update("UPDATE access_session SET ended_at = ?, end_reason = ? WHERE session_id = ?", at, e.reason(),
                e.sessionId());
    }

    @EventHandler
    void on(ApiTokenCreated e, @Timestamp Instant at) {
        jdbc.update("INSERT INTO api_token_view (token_id, org_id, name, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                e.tokenId(), e.orgId(), e.name(), e.actor().id(), at);
    }

    @EventHandler
    void on(ApiTokenRevoked e, @Timestamp Instant at) {
        jdbc.update("UPDATE api_token_view SET revoked_at = ? WHERE token_id = ?", at, e.tokenId());
    }

    @ResetHandler
    void reset() {
        jdbc.clear("access_session", "access_grant", "api_token_view");
    }
}
