package io.casetrail.platform.axon;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;

import io.casetrail.platform.store.LocalPostgres;

/**
 * Every case of {@link EventTableTest} again on PostgreSQL ({@link LocalPostgres}; its own database, created afresh),
 * whose driver takes at most 65,535 parameters in a statement.
 */
class EventTableOnPostgresTest extends EventTableTest {

    private static final String DATABASE = "casetrail_eventtable_test";

    @BeforeAll
    static void freshDatabase() throws SQLException {
        LocalPostgres.freshDatabase(DATABASE);
    }

    @Override
    DataSource dataSource() {
        return LocalPostgres.dataSource(DATABASE);
    }
}
