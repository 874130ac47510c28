package io.casetrail.platform.store;

import static io.casetrail.platform.store.RowWriter.Columns.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.store.RowWriter.Table;

/**
 * Every case of {@link RowWriterTest} again on PostgreSQL ({@link LocalPostgres}; its own database, created afresh),
 * where a shape of at least {@link RowWriter#COPY_FROM} inserts goes as one {@code COPY}: the same rows come out,
 * whatever the text holds, and a duplicate key still fails the batch.
 */
class RowWriterOnPostgresTest extends RowWriterTest {

    private static final String DATABASE = "casetrail_rowwriter_test";

    private static final Table ENTRY = Table.of("entry", "id");

    enum Kind { PLAIN, ODD }

    @BeforeAll
    static void freshDatabase() throws SQLException {
        LocalPostgres.freshDatabase(DATABASE);
    }

    @Override
    DataSource dataSource() {
        return LocalPostgres.dataSource(DATABASE);
    }

    @Override
    List<String> statementsOfManyInserts() {
        return List.of(); // both shapes went by COPY
    }

    @BeforeEach
    void entryTable() throws SQLException {
        jdbc.update("CREATE TABLE entry (id VARCHAR(40) PRIMARY KEY, text TEXT, kind VARCHAR(10),"
                + " at TIMESTAMP WITH TIME ZONE, n BIGINT, small INTEGER, flag BOOLEAN, ref UUID, ratio DOUBLE PRECISION)");
    }

    @AfterEach
    void dropEntry() {
        jdbc.update("DROP TABLE entry");
    }

    @Test
    void copiedRowsReadBackAsTheyWereGivenWhateverTheTextHolds() {
        String[] texts = {"tab\there", "line\nbreak", "carriage\rreturn", "back\\slash", "\\N", "\\.", "",
            "héllo wörld", "日本語のテキスト", "emoji 🎉 and more 𝄞", "mixed é\t\\n 🎉\r\n end", "'quoted' \"double\""};
        Instant at = Instant.parse("2026-11-29T05:30:00.123456Z");
        UUID ref = UUID.fromString("0b8e9c9e-6f1a-4a55-9b3a-1f2e3d4c5b6a");
        inBatch(w -> {
            for (int i = 0; i < 60; i++) {
                boolean empty = i % 13 == 12;
                w.insert(ENTRY, "e" + i, set("text", empty ? null : texts[i % texts.length])
                        .and("kind", empty ? null : i % 2 == 0 ? Kind.PLAIN : Kind.ODD)
                        .and("at", empty ? null : at.plusSeconds(i)).and("n", empty ? null : Long.MIN_VALUE + i)
                        .and("small", empty ? null : -i).and("flag", empty ? null : i % 3 == 0)
                        .and("ref", empty ? null : ref));
            }
        });
        assertThat(prepared).as("60 rows of one shape go as one COPY").isEmpty();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            boolean empty = i % 13 == 12;
            expected.add(empty ? "e" + i + "|null|null|null|null|null|null|null"
                    : "e" + i + "|" + texts[i % texts.length] + "|" + (i % 2 == 0 ? "PLAIN" : "ODD") + "|"
                            + at.plusSeconds(i) + "|" + (Long.MIN_VALUE + i) + "|" + -i + "|" + (i % 3 == 0) + "|"
                            + ref);
        }
        assertThat(entries()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void copiedInstantsAreStoredAsBoundOnesAre() {
        List<Instant> instants = List.of(Instant.parse("2026-11-29T05:30:00Z"),
                Instant.parse("2026-11-29T05:30:00.123456789Z"), Instant.parse("2026-11-29T05:30:00.000000500Z"),
                Instant.parse("2026-11-29T05:30:00.000000499Z"), Instant.parse("2026-12-31T23:59:59.999999500Z"),
                Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("2024-02-29T12:00:00.5Z"), Instant.parse("9999-12-31T23:59:58.9999999Z"));
        for (int i = 0; i < instants.size(); i++) {
            rows.insert(ENTRY, "bound" + i, set("at", instants.get(i))); // outside a batch: one bound statement
        }
        inBatch(w -> {
            for (int i = 0; i < RowWriter.COPY_FROM; i++) {
                w.insert(ENTRY, "copied" + i, set("at", instants.get(i % instants.size())));
            }
        });
        assertThat(prepared).hasSize(instants.size()).allMatch(sql -> sql.startsWith("INSERT INTO entry (id, at)"));
        List<String> bound = jdbc.query("SELECT (at AT TIME ZONE 'UTC')::text FROM entry WHERE id LIKE 'bound%'"
                + " ORDER BY substr(id, 6)::int", r -> r.getString(1));
        for (int i = 0; i < RowWriter.COPY_FROM; i++) {
            assertThat(jdbc.query("SELECT (at AT TIME ZONE 'UTC')::text FROM entry WHERE id = ?", r -> r.getString(1),
                    "copied" + i))
                    .as("copied " + instants.get(i % instants.size())).containsExactly(bound.get(i % instants.size()));
        }
        assertThat(bound.get(1)).isEqualTo("2026-11-29 05:30:00.123457");
        assertThat(bound.get(4)).isEqualTo("2027-01-01 00:00:00");
    }

    @Test
    void rowsWithAValueWithoutATextFormAndSmallShapesGoAsStatements() {
        inBatch(w -> {
            for (int i = 0; i < 40; i++) {
                w.insert(ENTRY, "d" + i, set("text", "t").and("ratio", i / 4.0));
            }
            for (int i = 0; i < RowWriter.COPY_FROM - 1; i++) {
                w.insert(ENTRY, "s" + i, set("text", "small"));
            }
        });
        assertThat(prepared).containsExactly("INSERT INTO entry (id, text, ratio) VALUES (?, ?, ?)",
                "INSERT INTO entry (id, text) VALUES (?, ?)");
        assertThat(jdbc.query("SELECT count(*), sum(ratio) FROM entry", r -> r.getLong(1) + "|" + r.getDouble(2)))
                .containsExactly((40 + RowWriter.COPY_FROM - 1) + "|195.0");
    }

    @Test
    void aCopyOfAStoredKeyFailsAndWritesNothing() {
        inBatch(w -> w.insert(ENTRY, "e7", set("text", "first")));
        assertThatThrownBy(() -> inBatch(w -> {
            for (int i = 0; i < 50; i++) {
                w.insert(ENTRY, "e" + i, set("text", "copied"));
            }
        })).isInstanceOf(Jdbc.StoreException.class).hasMessageContaining("23505").hasMessageContaining("COPY entry");
        assertThat(entries()).containsExactly("e7|first|null|null|null|null|null|null");
    }

    private List<String> entries() {
        return jdbc.query("SELECT id, text, kind, at, n, small, flag, ref FROM entry ORDER BY id", r -> {
            Instant at = Jdbc.instant(r, "at");
            Object n = r.getObject("n");
            Object small = r.getObject("small");
            Object flag = r.getObject("flag");
            return r.getString("id") + "|" + r.getString("text") + "|" + r.getString("kind") + "|" + at + "|" + n
                    + "|" + small + "|" + flag + "|" + r.getString("ref");
        });
    }
}
