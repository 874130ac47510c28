package io.casetrail.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;

import javax.sql.DataSource;

/**
 * Positive evidence that a request is held up by a lock a test holds: the database shows another session in the
 * middle of the statement the lock holds up. A test that only saw the request "not done yet" after a pause would
 * pass as well with a request that had not started, and prove nothing about the lock.
 */
public final class LockWaits {

    private LockWaits() {
    }

    /**
     * Returns once another session of the database is held up in a statement containing {@code statement} (case
     * does not matter): on PostgreSQL waiting for a lock; on H2 blocked, or still executing it (H2 shows a wait for
     * a unique key another transaction holds as a running statement). Fails after {@code atMost}.
     */
    public static void awaitWaiter(DataSource dataSource, String statement, Duration atMost)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        try (Connection connection = dataSource.getConnection()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT)
                    .contains("postgres");
            String query = postgres
                    ? "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock' AND LOWER(query) LIKE ?"
                    : "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID <> SESSION_ID()"
                            + " AND SESSION_STATE IN ('RUNNING', 'BLOCKED') AND LOWER(EXECUTING_STATEMENT) LIKE ?";
            try (PreparedStatement waiting = connection.prepareStatement(query)) {
                waiting.setString(1, "%" + statement.toLowerCase(Locale.ROOT) + "%");
                while (true) {
                    try (ResultSet rows = waiting.executeQuery()) {
                        if (rows.next() && rows.getLong(1) > 0) {
                            return;
                        }
                    }
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no session was held up in \"" + statement + "\" within " + atMost);
                    }
                    Thread.sleep(20);
                }
            }
        }
    }
}
