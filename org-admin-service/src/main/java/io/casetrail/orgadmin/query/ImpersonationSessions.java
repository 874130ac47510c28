package io.casetrail.orgadmin.query;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventCatalog;
import io.casetrail.events.EventJson;
import io.casetrail.events.Topics;
import io.casetrail.events.access.ImpersonationEnded;
import io.casetrail.events.access.ImpersonationExtended;
import io.casetrail.events.access.ImpersonationStarted;
import io.casetrail.platform.kafka.CloudEventConsumer;
import io.casetrail.platform.security.SessionRegistry;
import io.casetrail.platform.store.Jdbc;

/**
 * The impersonation sessions support-access-service runs (from {@code casetrail.access.v1}): the admin view accepts
 * the token of a session only while it has started here, not ended, and not passed its end time.
 */
@Singleton
public class ImpersonationSessions implements CloudEventConsumer, SessionRegistry {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final String STARTED = EventCatalog.typeOf(ImpersonationStarted.class);
    private static final String EXTENDED = EventCatalog.typeOf(ImpersonationExtended.class);
    private static final String ENDED = EventCatalog.typeOf(ImpersonationEnded.class);

    private final Jdbc jdbc;
    private final Clock clock;

    public ImpersonationSessions(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "impersonation-sessions";
    }

    @Override
    public Collection<String> topics() {
        return List.of(Topics.ACCESS);
    }

    @Override
    public void apply(CloudEvent event) throws Exception {
        if (STARTED.equals(event.type())) {
            ImpersonationStarted started = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8),
                    ImpersonationStarted.class);
            if (jdbc.queryOne("SELECT 1 FROM impersonation_session WHERE session_id = ?", row -> 1,
                    started.sessionId()).isEmpty()) {
                jdbc.update("INSERT INTO impersonation_session (session_id, org_id, ends_at, ended, engineer,"
                        + " case_number) VALUES (?, ?, ?, FALSE, ?, ?)", started.sessionId(), started.orgId(),
                        started.endsAt(), started.actor().id(), started.caseNumber());
            }
        } else if (EXTENDED.equals(event.type())) {
            ImpersonationExtended extended = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8),
                    ImpersonationExtended.class);
            jdbc.update("UPDATE impersonation_session SET ends_at = ? WHERE session_id = ?", extended.endsAt(),
                    extended.sessionId());
        } else if (ENDED.equals(event.type())) {
            ImpersonationEnded ended = JSON.readValue(new String(event.data(), StandardCharsets.UTF_8),
                    ImpersonationEnded.class);
            jdbc.update("UPDATE impersonation_session SET ended = TRUE WHERE session_id = ?", ended.sessionId());
        }
    }

    /** A running session in an org, by its engineer. */
    public record Running(String sessionId, String caseNumber) {
    }

    /**
     * A session the engineer is running in the org, if any (it may not change the org meanwhile): the one for the
     * given case when there is one, as an engineer may run a session per case.
     */
    public Optional<Running> runningSessionOf(String orgId, String engineer, String caseNumber) {
        return jdbc.queryOne("SELECT session_id, case_number FROM impersonation_session WHERE org_id = ? AND"
                + " engineer = ? AND NOT ended AND ends_at > ? ORDER BY CASE WHEN case_number = ? THEN 0 ELSE 1 END,"
                + " session_id", row -> new Running(row.getString(1), row.getString(2)), orgId, engineer,
                clock.instant(), caseNumber);
    }

    @Override
    public boolean isActive(String orgId, String sessionId) {
        return jdbc.queryOne("SELECT 1 FROM impersonation_session WHERE session_id = ? AND org_id = ? AND NOT ended"
                + " AND ends_at > ?", row -> true, sessionId, orgId, clock.instant()).isPresent();
    }
}
