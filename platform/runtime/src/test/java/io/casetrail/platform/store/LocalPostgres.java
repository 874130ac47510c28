package io.casetrail.platform.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The local PostgreSQL of the platform's tests that run again on it (127.0.0.1:5432 or {@code casetrail.pg.base-url},
 * user {@code postgres}). A machine without it skips them (the README's promise: JDK and Maven are enough), unless
 * {@code CASETRAIL_SYSTEM_TESTS_REQUIRE_POSTGRES=true} (CI) makes its absence a failure.
 */
public final class LocalPostgres {

    private static final String BASE_URL = System.getProperty("casetrail.pg.base-url",
            "jdbc:postgresql://127.0.0.1:5432/");

    private LocalPostgres() {
    }

    /** Drops and creates {@code database}, or aborts the test class when there is no PostgreSQL to reach. */
    public static void freshDatabase(String database) throws SQLException {
        Connection reached;
        try {
            reached = DriverManager.getConnection(BASE_URL + "postgres", "postgres", null);
        } catch (SQLException e) {
            if (Boolean.parseBoolean(System.getenv("CASETRAIL_SYSTEM_TESTS_REQUIRE_POSTGRES"))) {
                throw e;
            }
            Assumptions.abort("no PostgreSQL at " + BASE_URL + ": " + e.getMessage());
            return;
        }
        try (Connection admin = reached; Statement sql = admin.createStatement()) {
            sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            sql.execute("CREATE DATABASE " + database);
        }
    }

    /** The database, as user {@code postgres}. */
    public static DataSource dataSource(String database) {
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setUrl(BASE_URL + database);
        postgres.setUser("postgres");
        return postgres;
    }
}
