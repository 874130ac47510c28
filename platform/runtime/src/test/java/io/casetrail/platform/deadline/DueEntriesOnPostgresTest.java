package io.casetrail.platform.deadline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.store.LocalPostgres;

/**
 * The deadline poller's query on PostgreSQL ({@link LocalPostgres}; its own database, created afresh, with the
 * platform's own migration) over a table PostgreSQL has no statistics of, as in a new database or on a host where
 * autovacuum is off: it reads the due entries through {@code ix_deadline_due}, not the whole table once a second.
 */
class DueEntriesOnPostgresTest {

    private static final String DATABASE = "casetrail_deadlines_test";
    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 12, 4, 9, 0, 0, 0, ZoneOffset.UTC);
    private static DataSource dataSource;

    @BeforeAll
    static void deadlinesNotYetDue() throws Exception {
        LocalPostgres.freshDatabase(DATABASE);
        dataSource = LocalPostgres.dataSource(DATABASE);
        String migration;
        try (var sql = DueEntriesOnPostgresTest.class
                .getResourceAsStream("/db/platform/V2026_11_28_01__platform_store.sql")) {
            migration = new String(sql.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Connection c = dataSource.getConnection(); Statement ddl = c.createStatement()) {
            ddl.execute(migration);
            // no statistics, whatever the host's autovacuum would do meanwhile
            ddl.execute("ALTER TABLE deadline_entry SET (autovacuum_enabled = false)");
            // 20,000 SLA deadlines hours ahead, and three due (one of them claimed by a poll that holds it)
            ddl.execute("INSERT INTO deadline_entry (id, deadline_name, scope_type, scope_id, trigger_at, payload,"
                    + " attempts) SELECT 'sla-' || n, 'sla', 'SupportCase', lpad(n::text, 8, '0'), TIMESTAMPTZ"
                    + " '2026-12-04 09:00:00+00' + n * INTERVAL '1 second' + INTERVAL '1 hour', decode(repeat('ab',"
                    + " 300), 'hex'), 0 FROM generate_series(1, 20000) n");
            ddl.execute("INSERT INTO deadline_entry (id, deadline_name, scope_type, scope_id, trigger_at,"
                    + " claimed_until, attempts) VALUES"
                    + " ('due-1', 'sla', 'SupportCase', '00000001', TIMESTAMPTZ '2026-12-04 08:00:00+00', NULL, 0),"
                    + " ('due-2', 'sla', 'SupportCase', '00000002', TIMESTAMPTZ '2026-12-04 08:30:00+00', NULL, 0),"
                    + " ('held', 'sla', 'SupportCase', '00000003', TIMESTAMPTZ '2026-12-04 08:10:00+00',"
                    + " TIMESTAMPTZ '2026-12-04 09:00:30+00', 1)");
        }
    }

    @Test
    void theDueEntriesAreReadThroughTheTriggerTimeIndexOnATableWithoutStatistics() throws SQLException {
        List<String> plan = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement explain = c.prepareStatement("EXPLAIN " + JdbcDeadlineManager.DUE_ENTRIES)) {
            bind(explain, 100);
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.add(rows.getString(1));
                }
            }
        }
        assertThat(String.join("\n", plan)).contains("Index Scan using ix_deadline_due on deadline_entry")
                .doesNotContain("Seq Scan");
    }

    @Test
    void theDueEntriesComeEarliestFirstABatchAtATimeLeavingAClaimedOneAlone() throws SQLException {
        assertThat(due(100)).containsExactly("due-1", "due-2");
        assertThat(due(1)).containsExactly("due-1");
    }

    private static List<String> due(int batch) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(JdbcDeadlineManager.DUE_ENTRIES)) {
            bind(query, batch);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        return ids;
    }

    private static void bind(PreparedStatement query, int batch) throws SQLException {
        query.setObject(1, NOW);
        query.setObject(2, NOW);
        query.setInt(3, batch);
    }
}
