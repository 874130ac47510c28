package io.casetrail.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Databases the system tests and benchmarks create for the services they start, on a PostgreSQL server. */
public final class PostgresDatabases {

    private PostgresDatabases() {
    }

    /**
     * Drops (closing its connections) and creates each database, connected as {@code user} to {@code baseUrl}
     * + "postgres", e.g. {@code jdbc:postgresql://127.0.0.1:5432/}.
     */
    public static void recreate(String baseUrl, String user, String password, Iterable<String> databases)
            throws SQLException {
        try (Connection admin = DriverManager.getConnection(baseUrl + "postgres", user, password);
             Statement sql = admin.createStatement()) {
            for (String database : databases) {
                sql.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                sql.execute("CREATE DATABASE " + database);
            }
        }
    }
}
