package io.casetrail.platform.idempotency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import javax.sql.DataSource;

import io.casetrail.platform.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.scheduler.Scheduled;

/** The stored first answers of idempotent commands (table {@code idempotency_record}). */
@ApplicationScoped
public class IdempotencyStore {

    /** A stored answer. */
    public record StoredAnswer(String fingerprint, int status, String location, String body) {
        String contentType() {
            return status >= 400 ? "application/problem+json" : "application/json";
        }
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final Duration retention;

    public IdempotencyStore(DataSource dataSource, Clock clock,
                            @ConfigProperty(name = "casetrail.idempotency.retention", defaultValue = "P1D")
                            Duration retention) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.retention = retention;
    }

    Optional<StoredAnswer> find(String principal, String key) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT fingerprint, status, location, body"
                     + " FROM idempotency_record WHERE principal = ? AND idem_key = ? AND status IS NOT NULL")) {
            ps.setString(1, principal);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new StoredAnswer(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4)))
                        : Optional.empty();
            }
        }
    }

    /** Claims the key in the current transaction; a concurrent claim waits on the row lock, then fails. */
    void claim(String principal, String key, String fingerprint) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO idempotency_record"
                     + " (principal, idem_key, fingerprint, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, principal);
            ps.setString(2, key);
            ps.setString(3, fingerprint);
            ps.setObject(4, Jdbc.utc(clock.instant()));
            ps.executeUpdate();
        }
    }

    /**
     * Stores the answer to the claimed key, with the request's final fingerprint (which includes a streamed body,
     * known only once the endpoint has read it).
     */
    void complete(String principal, String key, String fingerprint, int status, String location, String body)
            throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE idempotency_record SET fingerprint = ?, status = ?,"
                     + " location = ?, body = ? WHERE principal = ? AND idem_key = ?")) {
            ps.setString(1, fingerprint);
            ps.setInt(2, status);
            ps.setString(3, location);
            ps.setString(4, body);
            ps.setString(5, principal);
            ps.setString(6, key);
            ps.executeUpdate();
        }
    }

    boolean isDuplicateKey(Throwable e) {
        return IdempotencyInterceptor.isSqlDuplicate(e);
    }

    /** Forgets answers older than the retention period (default one day). */
    @Scheduled(every = "{casetrail.idempotency.cleanup-every:1h}", delayed = "1m",
               concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void forgetOldAnswers() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM idempotency_record WHERE created_at < ?")) {
            ps.setObject(1, Jdbc.utc(clock.instant().minus(retention)));
            ps.executeUpdate();
        }
    }
}
