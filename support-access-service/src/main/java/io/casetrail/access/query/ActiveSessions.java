package io.casetrail.access.query;

import java.time.Clock;

import jakarta.inject.Singleton;

import io.casetrail.platform.security.SessionRegistry;
import io.casetrail.platform.store.Jdbc;

/** A session is active while it has started, not ended, and its end time has not passed. */
@Singleton
public class ActiveSessions implements SessionRegistry {

    private final Jdbc jdbc;
    private final Clock clock;

    public ActiveSessions(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public boolean isActive(String orgId, String sessionId) {
        return jdbc.queryOne("SELECT 1 FROM access_session WHERE session_id = ? AND org_id = ? AND ended_at IS NULL"
                + " AND ends_at > ?", row -> true, sessionId, orgId, clock.instant()).isPresent();
    }
}
