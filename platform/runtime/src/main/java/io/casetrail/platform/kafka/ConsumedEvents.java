package io.casetrail.platform.kafka;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

import javax.sql.DataSource;

import io.casetrail.platform.store.Jdbc;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The CloudEvent ids each consumer has applied (table {@code consumed_event}). */
@Singleton
public class ConsumedEvents {

    private final DataSource dataSource;
    private final Clock clock;

    @Inject
    public ConsumedEvents(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /**
     * Records that {@code consumer} applies {@code eventId} in the current transaction; {@code false} when it
     * already did. Two instances racing on the same id both insert; the unique key makes the later one fail and
     * retry, and on retry it sees the id.
     */
    public boolean firstDelivery(String consumer, String eventId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM consumed_event WHERE consumer = ? AND event_id = ?")) {
                ps.setString(1, consumer);
                ps.setString(2, eventId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return false;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO consumed_event (consumer, event_id, applied_at) VALUES (?, ?, ?)")) {
                ps.setString(1, consumer);
                ps.setString(2, eventId);
                ps.setObject(3, Jdbc.utc(clock.instant()));
                ps.executeUpdate();
            }
            return true;
        }
    }
}
