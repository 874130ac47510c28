package io.casetrail.platform.store;

import static io.casetrail.platform.store.RowWriter.Columns.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.casetrail.platform.store.RowWriter.Columns;
import io.casetrail.platform.store.RowWriter.Table;

/**
 * The writer's batch gives the same rows as the same changes made one by one, in one statement per shape. H2 in
 * PostgreSQL mode, behind a data source that counts the statements prepared; no transaction manager here (in the
 * services the processor's JTA transaction makes a batch atomic with its token).
 */
class RowWriterTest {

    private static final Table ITEM = Table.of("item", "id");
    private static final Table TAG = Table.of("tag", "item_id", "name");

    final List<String> prepared = new ArrayList<>();
    private Connection keepAlive;
    RowWriter rows;
    Jdbc jdbc;

    /** The database the test runs on. */
    DataSource dataSource() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:rowwriter;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE");
        return h2;
    }

    /** The statements the writer prepares for a batch of 500 inserts into item and into tag. */
    List<String> statementsOfManyInserts() {
        return List.of("INSERT INTO item (id, name, status, version) VALUES (?, ?, ?, ?)",
                "INSERT INTO tag (item_id, name) VALUES (?, ?)");
    }

    @BeforeEach
    void database() throws SQLException {
        DataSource dataSource = dataSource();
        keepAlive = dataSource.getConnection();
        try (Statement sql = keepAlive.createStatement()) {
            sql.execute("CREATE TABLE item (id VARCHAR(10) PRIMARY KEY, name VARCHAR(40) NOT NULL, status VARCHAR(10),"
                    + " version BIGINT NOT NULL)");
            sql.execute("CREATE TABLE tag (item_id VARCHAR(10), name VARCHAR(10), PRIMARY KEY (item_id, name))");
        }
        rows = new RowWriter(counting(dataSource));
        jdbc = new Jdbc(dataSource);
    }

    @AfterEach
    void drop() throws SQLException {
        try (Statement sql = keepAlive.createStatement()) {
            sql.execute("DROP TABLE item");
            sql.execute("DROP TABLE tag");
        }
        keepAlive.close();
    }

    @Test
    void anInsertAndItsUpdatesInOneBatchAreOneRowWithTheLastValues() {
        inBatch(w -> {
            w.insert(ITEM, "a", set("name", "first").and("status", "NEW").and("version", 0L));
            w.update(ITEM, "a", set("status", "OPEN").and("version", 1L));
            w.update(ITEM, "a", set("name", "renamed").and("version", 2L));
            w.insert(ITEM, "b", set("name", "other").and("status", null).and("version", 0L));
            assertThat(items()).as("nothing is written before the batch commits").isEmpty();
        });
        assertThat(items()).containsExactly("a|renamed|OPEN|2", "b|other|null|0");
    }

    /** {@link Jdbc#batch}: one statement for all its rows; none for no rows. */
    @Test
    void aJdbcBatchIsOneStatementForAllItsRows() {
        Jdbc counted = new Jdbc(counting(dataSource()));
        String insert = "INSERT INTO tag (item_id, name) VALUES (?, ?)";
        counted.batch(insert, List.of());
        assertThat(prepared).isEmpty();
        counted.batch(insert, List.of(new Object[] {"a", "x"}, new Object[] {"a", "y"}, new Object[] {"b", "x"}));
        assertThat(prepared).containsExactly(insert);
        assertThat(jdbc.query("SELECT item_id || ':' || name FROM tag ORDER BY 1", r -> r.getString(1)))
                .containsExactly("a:x", "a:y", "b:x");
    }

    @Test
    void aBatchOfManyRowsIsOneStatementPerShape() {
        inBatch(w -> {
            for (int i = 0; i < 500; i++) {
                String id = "r" + i;
                w.insert(ITEM, id, set("name", "n" + i).and("status", "NEW").and("version", 0L));
                w.update(ITEM, id, set("status", "OPEN").and("version", 1L));
                w.insert(TAG, List.of(id, "t"), Columns.none());
            }
        });
        assertThat(prepared).containsExactlyElementsOf(statementsOfManyInserts());
        assertThat(jdbc.query("SELECT count(*) FROM item WHERE status = 'OPEN' AND version = 1", r -> r.getLong(1)))
                .containsExactly(500L);
        prepared.clear();
        inBatch(w -> {
            for (int i = 0; i < 500; i++) {
                w.update(ITEM, "r" + i, set("status", "CLOSED"));
                w.update(ITEM, "r" + i, set("version", 2L));
                w.delete(TAG, List.of("r" + i, "t"));
            }
        });
        assertThat(prepared).containsExactly("DELETE FROM tag WHERE item_id = ? AND name = ?",
                "UPDATE item SET status = ?, version = ? WHERE id = ?");
        assertThat(jdbc.query("SELECT count(*) FROM item WHERE status = 'CLOSED' AND version = 2", r -> r.getLong(1)))
                .containsExactly(500L);
        assertThat(jdbc.query("SELECT count(*) FROM tag", r -> r.getLong(1))).containsExactly(0L);
    }

    @Test
    void updatesOfStoredRowsMergeAndADeleteWins() {
        inBatch(w -> {
            w.insert(ITEM, "a", set("name", "one").and("status", "NEW").and("version", 0L));
            w.insert(ITEM, "b", set("name", "two").and("status", "NEW").and("version", 0L));
            w.insert(TAG, List.of("a", "x"), Columns.none());
        });
        inBatch(w -> {
            w.update(ITEM, "a", set("status", "OPEN"));
            w.update(ITEM, "a", set("version", 5L));
            w.update(ITEM, "b", set("status", "OPEN"));
            w.delete(ITEM, List.of("b"));
            w.update(ITEM, "b", set("status", "GONE"));
            w.update(ITEM, "missing", set("status", "NONE"));
        });
        assertThat(items()).containsExactly("a|one|OPEN|5");
    }

    @Test
    void aRowDeletedAndInsertedAgainIsReplaced() {
        inBatch(w -> w.insert(TAG, List.of("a", "x"), Columns.none()));
        inBatch(w -> {
            w.delete(TAG, List.of("a", "x"));
            w.insert(TAG, List.of("a", "x"), Columns.none());
            w.insert(TAG, List.of("a", "y"), Columns.none());
            w.delete(TAG, List.of("a", "y"));
        });
        assertThat(jdbc.query("SELECT item_id, name FROM tag ORDER BY name", r -> r.getString(1) + r.getString(2)))
                .containsExactly("ax");
    }

    @Test
    void anInsertOfAStoredKeyFailsTheBatch() {
        inBatch(w -> w.insert(ITEM, "a", set("name", "one").and("status", "NEW").and("version", 0L)));
        DefaultUnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        List<Throwable> failures = new ArrayList<>();
        try {
            rows.insert(ITEM, "c", set("name", "new").and("status", "NEW").and("version", 0L));
            rows.insert(ITEM, "a", set("name", "again").and("status", "NEW").and("version", 0L));
            batch.commit();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        assertThat(failures).singleElement().isInstanceOf(Jdbc.StoreException.class);
        assertThat(items()).contains("a|one|NEW|0").doesNotContain("a|again|NEW|0");
    }

    @Test
    void aKeyInsertedTwiceInOneBatchIsRefusedAtOnce() {
        DefaultUnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        try {
            rows.insert(TAG, List.of("a", "x"), Columns.none());
            assertThatThrownBy(() -> rows.insert(TAG, List.of("a", "x"), Columns.none()))
                    .isInstanceOf(Jdbc.StoreException.class).hasMessageContaining("inserted twice");
        } finally {
            batch.rollback();
        }
        assertThat(jdbc.query("SELECT name FROM tag", r -> r.getString(1))).isEmpty();
    }

    @Test
    void aChangeAfterTheBatchWasWrittenIsRefusedNotLost() {
        DefaultUnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        rows.insert(ITEM, "a", set("name", "one").and("status", "NEW").and("version", 0L));
        List<Throwable> refused = new ArrayList<>();
        batch.onCommit(u -> {
            try {
                rows.update(ITEM, "a", set("status", "LATE"));
            } catch (IllegalStateException e) {
                refused.add(e);
            }
        });
        batch.commit();
        assertThat(refused).singleElement().extracting(Throwable::getMessage).asString()
                .contains("after the batch was written");
        assertThat(items()).containsExactly("a|one|NEW|0");
    }

    @Test
    void keysAndColumnsAreChecked() {
        assertThatThrownBy(() -> rows.insert(TAG, List.of("a"), Columns.none()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> rows.update(ITEM, "a", set("id", "b")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key column id");
    }

    @Test
    void columnsHandedToTheWriterTakeNoMore() {
        inBatch(w -> {
            Columns columns = set("name", "first").and("status", "NEW").and("version", 0L);
            w.insert(ITEM, "a", columns);
            // the pending row keeps the columns it was given: a change made to them afterwards would change it
            assertThatThrownBy(() -> columns.and("status", "OPEN")).isInstanceOf(IllegalStateException.class);
            w.update(ITEM, "a", set("version", 1L));
        });
        assertThat(items()).containsExactly("a|first|NEW|1");
    }

    @Test
    void outsideABatchEachChangeIsWrittenAtOnce() {
        rows.insert(ITEM, "a", set("name", "one").and("status", "NEW").and("version", 0L));
        assertThat(items()).containsExactly("a|one|NEW|0");
        rows.update(ITEM, "a", set("status", "OPEN"));
        assertThat(items()).containsExactly("a|one|OPEN|0");
    }

    /** The data source, noting the text of every statement the writer prepares. */
    DataSource counting(DataSource target) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(target, method, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("prepareStatement")) {
                                    prepared.add((String) a[0]);
                                }
                                return invoke(connection, m, a);
                            });
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    void inBatch(Consumer<RowWriter> changes) {
        DefaultUnitOfWork.startAndGet(null).execute(() -> changes.accept(rows));
    }

    List<String> items() {
        return jdbc.query("SELECT id, name, status, version FROM item ORDER BY id",
                r -> r.getString(1) + "|" + r.getString(2) + "|" + r.getString(3) + "|" + r.getLong(4));
    }
}
