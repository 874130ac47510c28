package io.casetrail.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

/**
 * A transaction of the test's own that has changed or locked some rows and keeps them until the test commits it, or
 * rolls it back by closing it: what another instance, a consumer or a second request would hold in the middle of its
 * work. With {@link LockWaits#awaitWaiter} a test then shows a request waiting for those rows, and what the request
 * does once they are let go.
 */
public final class HeldRows implements AutoCloseable {

    private final Connection connection;
    private boolean ended;

    private HeldRows(Connection connection) {
        this.connection = connection;
    }

    /**
     * Runs {@code sql} with {@code parameters} in a new transaction and keeps the transaction open. Fails unless the
     * statement changed a row, or, for a query ({@code SELECT ... FOR UPDATE}), returned one: a statement that holds
     * nothing would let the test pass without the wait it means to show.
     */
    public static HeldRows hold(DataSource dataSource, String sql, Object... parameters) throws SQLException {
        Connection connection = dataSource.getConnection();
        HeldRows held = new HeldRows(connection);
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    statement.setObject(i + 1, parameters[i]);
                }
                boolean query = statement.execute();
                boolean holds;
                if (query) {
                    try (ResultSet rows = statement.getResultSet()) {
                        holds = rows.next();
                    }
                } else {
                    holds = statement.getUpdateCount() > 0;
                }
                if (!holds) {
                    throw new AssertionError("\"" + sql + "\" holds no row");
                }
            }
            return held;
        } catch (SQLException | RuntimeException | Error e) {
            held.close();
            throw e;
        }
    }

    /** Commits what the statement changed, letting the rows go. */
    public void commit() throws SQLException {
        ended = true;
        connection.commit();
    }

    /** Rolls back what the statement changed unless committed, letting the rows go. */
    @Override
    public void close() throws SQLException {
        try {
            if (!ended) {
                ended = true;
                connection.rollback();
            }
        } finally {
            connection.close();
        }
    }
}
