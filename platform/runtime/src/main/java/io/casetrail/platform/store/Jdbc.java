package io.casetrail.platform.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.postgresql.PGConnection;

/**
 * Plain JDBC on the service's store, for read models. Connections taken inside a JTA transaction (a projection's
 * batch, an idempotent command) are enlisted in it; outside one they auto-commit.
 */
@Singleton
public class Jdbc {

    /** Maps one row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;
    private volatile Boolean postgres;

    @Inject
    public Jdbc(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs an insert, update or delete; returns the number of rows changed. */
    public int update(String sql, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    /**
     * Runs one insert, update or delete for each of {@code rows} (its parameters), sent together: one round trip to
     * the database, not one a row.
     */
    public void batch(String sql, List<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] parameters : rows) {
                bind(ps, parameters);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    /**
     * Empties tables in the current transaction, as a projection's reset does: on PostgreSQL with one
     * {@code TRUNCATE} (transactional there, and far cheaper than deleting every row and its index entries: a
     * rebuild of a million events spent a second deleting the half million rows it was about to write again), on
     * other databases with {@code DELETE}, which some of them would commit on their own otherwise. The tables must
     * not be referenced by foreign keys of tables not emptied with them.
     */
    public void clear(String... tables) {
        boolean postgres = postgres();
        try (Connection c = dataSource.getConnection()) {
            if (postgres) {
                try (Statement sql = c.createStatement()) {
                    sql.execute("TRUNCATE " + String.join(", ", tables));
                }
            } else {
                for (String table : tables) {
                    try (Statement sql = c.createStatement()) {
                        sql.executeUpdate("DELETE FROM " + table);
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("clear " + String.join(", ", tables), e);
        }
    }

    /** Whether the store is PostgreSQL (else H2, in tests and the default local run); asked once. */
    public boolean postgres() {
        Boolean known = postgres;
        if (known == null) {
            try (Connection c = dataSource.getConnection()) {
                known = c.isWrapperFor(PGConnection.class);
            } catch (SQLException e) {
                throw new StoreException("connecting", e);
            }
            postgres = known;
        }
        return known;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... parameters) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, parameters);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new StoreException(sql, e);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... parameters) {
        List<T> rows = query(sql, mapper, parameters);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    static void bind(PreparedStatement ps, Object[] parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object value = parameters[i];
            if (value == null) {
                ps.setNull(i + 1, Types.NULL);
            } else if (value instanceof Instant instant) {
                ps.setObject(i + 1, utc(instant));
            } else if (value instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, value);
            }
        }
    }

    /** An instant as the value of a {@code TIMESTAMP WITH TIME ZONE} column. */
    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** Reads a nullable {@code TIMESTAMP WITH TIME ZONE} column as an {@link Instant}. */
    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    /** A read-model statement failed. */
    public static final class StoreException extends RuntimeException {
        StoreException(String sql, SQLException cause) {
            super("SQL failed (" + cause.getSQLState() + "): " + cause.getMessage() + " -- " + sql, cause);
        }
    }
}
