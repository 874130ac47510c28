package io.casetrail.platform.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import io.casetrail.platform.axon.BatchResources;

/**
 * Write-only access to a projection's rows, by primary key, collected over the processor's whole batch and written
 * at its prepare-commit (in the batch's transaction, with its token) as one JDBC batch per statement shape.
 *
 * <p>The changes of one row within a batch fold into one: an insert followed by updates is one insert with the
 * final values, updates merge, a delete wins over what came before it. Each row is therefore written at most twice
 * per batch (delete, then insert) however many events touch it, and rows of the same shape go to the database in
 * one round trip. That is what lets a rebuild run at the speed of reading the event store rather than one database
 * round trip per event.
 *
 * <p>The flush runs every delete, then every insert, then every update. The result equals running the same changes
 * one by one, in order, provided that (1) they would have succeeded one by one, (2) the tables a projection writes
 * in one batch have no foreign keys between them, no unique constraints besides the primary key and no triggers,
 * and (3) keys are always given with the same Java types (a row is identified by its key values' {@code equals}).
 * An insert of a key that is already stored is refused at flush, as it would have been, except when the same batch
 * deletes that key again (the two fold into a delete).
 *
 * <p>A projection that uses this writer must not read its own tables while handling events (a batch's changes
 * are not visible before the flush); the writer offers no queries for that reason. Outside a unit of work (a
 * reset, a test calling a handler directly) each change is written at once.
 */
@Singleton
public class RowWriter {

    private static final String PENDING = RowWriter.class.getName() + ".pending";

    /** The fewest rows of one shape written with {@code COPY} rather than batched inserts. */
    static final int COPY_FROM = 32;

    /** A batch's pending rows; once flushed, the batch takes no more changes. */
    private static final class Batch {
        final Map<RowId, Pending> rows = new LinkedHashMap<>();
        boolean flushed;
    }

    private final DataSource dataSource;

    /** Writes a batch's rows when it prepares to commit (one instance, not one made for every change). */
    private final Consumer<Batch> flushAtCommit = batch -> {
        batch.flushed = true;
        flush(batch.rows);
    };

    @Inject
    public RowWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A table the writer changes, with its primary key columns. */
    public record Table(String name, List<String> key) {

        public Table {
            Objects.requireNonNull(name);
            key = List.copyOf(key);
            if (key.isEmpty()) {
                throw new IllegalArgumentException("table " + name + " needs a primary key");
            }
        }

        public static Table of(String name, String... keyColumns) {
            return new Table(name, Arrays.asList(keyColumns));
        }
    }

    /** Column values, in the order given; values may be null. Once handed to the writer, they take no more. */
    public static final class Columns {

        private final LinkedHashMap<String, Object> values = new LinkedHashMap<>(32);
        private boolean taken;

        private Columns() {
        }

        public static Columns set(String column, Object value) {
            return new Columns().and(column, value);
        }

        public static Columns none() {
            return new Columns();
        }

        public Columns and(String column, Object value) {
            if (taken) {
                throw new IllegalStateException("columns already handed to the writer; make new ones");
            }
            values.put(Objects.requireNonNull(column), value);
            return this;
        }
    }

    /** Inserts a row with the given key and columns. */
    public void insert(Table table, List<?> key, Columns columns) {
        change(table, key, Kind.INSERT, columns);
    }

    /** Inserts a row with the given single-column key and columns. */
    public void insert(Table table, Object key, Columns columns) {
        insert(table, Collections.singletonList(key), columns);
    }

    /** Sets columns of the row with the given key (nothing if there is no such row). */
    public void update(Table table, Object key, Columns columns) {
        change(table, Collections.singletonList(key), Kind.UPDATE, columns);
    }

    /** Deletes the row with the given key (nothing if there is no such row). */
    public void delete(Table table, List<?> key) {
        change(table, key, Kind.DELETE, Columns.none());
    }

    private void change(Table table, List<?> key, Kind kind, Columns columns) {
        if (key.size() != table.key().size() || key.stream().anyMatch(Objects::isNull)) {
            throw new IllegalArgumentException("key " + key + " does not match " + table);
        }
        for (String column : columns.values.keySet()) {
            if (table.key().contains(column)) {
                throw new IllegalArgumentException("key column " + column + " of " + table.name() + " is not set");
            }
        }
        columns.taken = true; // the pending row keeps them as they are, without a copy
        RowId id = new RowId(table, List.copyOf(key));
        if (!CurrentUnitOfWork.isStarted()) {
            Map<RowId, Pending> single = new LinkedHashMap<>();
            single.put(id, new Pending(kind, columns.values));
            flush(single);
            return;
        }
        Batch batch = batchOfUnitOfWork();
        if (batch.flushed) {
            throw new IllegalStateException("a change to " + table.name() + " after the batch was written");
        }
        Map<RowId, Pending> pending = batch.rows;
        Pending before = pending.get(id);
        if (before == null) {
            pending.put(id, new Pending(kind, columns.values));
        } else {
            before.then(id, kind, columns.values);
        }
    }

    private Batch batchOfUnitOfWork() {
        return BatchResources.ofCurrentBatch(PENDING, Batch::new, flushAtCommit);
    }


    /** Deletes first, then inserts, then updates; one JDBC batch per statement shape. */
    private void flush(Map<RowId, Pending> rows) {
        if (rows.isEmpty()) {
            return;
        }
        Map<Shape, List<Object[]>> deletes = new LinkedHashMap<>();
        Map<Shape, List<Object[]>> inserts = new LinkedHashMap<>();
        Map<Shape, List<Object[]>> updates = new LinkedHashMap<>();
        Shapes shapes = new Shapes();
        rows.forEach((id, row) -> {
            int keys = id.key.size();
            if (row.deleteFirst) {
                deletes.computeIfAbsent(new Shape(Kind.DELETE, id.table, List.of()), s -> new ArrayList<>())
                        .add(id.key.toArray());
            }
            if (row.kind == Kind.INSERT || row.kind == Kind.UPDATE && !row.columns.isEmpty()) {
                Object[] values = new Object[keys + row.columns.size()];
                int i = row.kind == Kind.INSERT ? 0 : row.columns.size();
                for (Object key : id.key) {
                    values[i++] = key;
                }
                i = row.kind == Kind.INSERT ? keys : 0;
                for (Object value : row.columns.values()) {
                    values[i++] = value;
                }
                shapes.rowsOf(row.kind == Kind.INSERT ? inserts : updates, row.kind, id.table, row.columns.keySet())
                        .add(values);
            }
        });
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, deletes);
            insert(connection, inserts);
            execute(connection, updates);
        } catch (SQLException e) {
            throw new Jdbc.StoreException("projection batch of " + rows.size() + " rows", e);
        }
        rows.clear();
    }

    /**
     * Inserts; on PostgreSQL, a shape with at least {@link #COPY_FROM} rows whose values all have a text form
     * goes in one {@code COPY ... FROM STDIN} (no statement to parse and plan per 128 rows, no parameter binding),
     * the others as batched statements.
     */
    private static void insert(Connection connection, Map<Shape, List<Object[]>> inserts) throws SQLException {
        if (inserts.isEmpty() || !connection.isWrapperFor(PGConnection.class)) {
            execute(connection, inserts);
            return;
        }
        Map<Shape, List<Object[]>> statements = new LinkedHashMap<>();
        for (Map.Entry<Shape, List<Object[]>> insert : inserts.entrySet()) {
            List<Object[]> rows = insert.getValue();
            CopyText text = rows.size() < COPY_FROM ? null : new CopyText();
            if (text == null || !rows.stream().allMatch(text::row)) {
                statements.put(insert.getKey(), rows);
                continue;
            }
            String sql = insert.getKey().copySql();
            try {
                CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
                try {
                    text.writeTo(copy);
                    copy.endCopy();
                } finally {
                    if (copy.isActive()) {
                        copy.cancelCopy();
                    }
                }
            } catch (SQLException e) {
                throw new Jdbc.StoreException(sql, e);
            }
        }
        execute(connection, statements);
    }

    private static void execute(Connection connection, Map<Shape, List<Object[]>> statements) throws SQLException {
        for (Map.Entry<Shape, List<Object[]>> statement : statements.entrySet()) {
            String sql = statement.getKey().sql();
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (Object[] parameters : statement.getValue()) {
                    Jdbc.bind(ps, parameters);
                    ps.addBatch();
                }
                ps.executeBatch();
            } catch (SQLException e) {
                throw new Jdbc.StoreException(sql, e.getNextException() == null ? e : e.getNextException());
            }
        }
    }

    /** The statement a group of rows shares: its kind, table and the columns it sets. */
    private record Shape(Kind kind, Table table, List<String> columns) {

        String sql() {
            return switch (kind) {
                case INSERT -> insertSql(table, columns);
                case UPDATE -> updateSql(table, columns);
                case DELETE -> deleteSql(table);
            };
        }

        String copySql() {
            return "COPY " + table.name() + " (" + String.join(", ", keyAndColumns(table, columns)) + ") FROM STDIN";
        }
    }

    /**
     * Finds the rows of a row's shape while a batch is flushed. The rows of a batch mostly come in runs of one shape
     * (a projection writes a table's rows alike), so the last shape found is tried first, its columns compared in
     * order (the same strings, given by the same code), before a new shape is made and hashed.
     */
    private static final class Shapes {

        private Map<Shape, List<Object[]>> lastGroup;
        private Shape last;
        private List<Object[]> lastRows;

        List<Object[]> rowsOf(Map<Shape, List<Object[]>> group, Kind kind, Table table, Collection<String> columns) {
            if (group == lastGroup && last.kind() == kind && last.table() == table
                    && sameInOrder(last.columns(), columns)) {
                return lastRows;
            }
            last = new Shape(kind, table, List.copyOf(columns));
            lastGroup = group;
            lastRows = group.computeIfAbsent(last, s -> new ArrayList<>());
            return lastRows;
        }

        private static boolean sameInOrder(List<String> known, Collection<String> columns) {
            if (known.size() != columns.size()) {
                return false;
            }
            Iterator<String> next = columns.iterator();
            for (String column : known) {
                if (!column.equals(next.next())) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The key's columns, then the others: the order of an insert's (and a copy's) values. */
    private static List<String> keyAndColumns(Table table, Iterable<String> columns) {
        List<String> names = new ArrayList<>(table.key());
        columns.forEach(names::add);
        return names;
    }

    private static String insertSql(Table table, Iterable<String> columns) {
        List<String> names = keyAndColumns(table, columns);
        return "INSERT INTO " + table.name() + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
    }

    private static String updateSql(Table table, Iterable<String> columns) {
        List<String> sets = new ArrayList<>();
        columns.forEach(c -> sets.add(c + " = ?"));
        return "UPDATE " + table.name() + " SET " + String.join(", ", sets) + " WHERE " + where(table);
    }

    private static String deleteSql(Table table) {
        return "DELETE FROM " + table.name() + " WHERE " + where(table);
    }

    private static String where(Table table) {
        return String.join(" AND ", table.key().stream().map(k -> k + " = ?").toList());
    }

    private enum Kind { INSERT, UPDATE, DELETE }

    private record RowId(Table table, List<Object> key) {
    }

    /**
     * What a batch does to one row: {@code kind} with {@code columns}, preceded by a delete if {@code deleteFirst}
     * (a row deleted and inserted again in the same batch). Each further change folds into it.
     */
    private static final class Pending {

        private Kind kind;
        private boolean deleteFirst;
        /** The columns of the first change (taken, not copied) until a later change needs a map of its own. */
        private Map<String, Object> columns;
        private boolean own;

        private Pending(Kind kind, Map<String, Object> columns) {
            this.kind = kind;
            this.deleteFirst = kind == Kind.DELETE;
            this.columns = columns;
        }

        private Map<String, Object> columnsToChange() {
            if (!own) {
                columns = new LinkedHashMap<>(columns);
                own = true;
            }
            return columns;
        }

        void then(RowId id, Kind next, Map<String, Object> values) {
            switch (next) {
                case DELETE -> {
                    kind = Kind.DELETE;
                    deleteFirst = true;
                    columnsToChange().clear();
                }
                case INSERT -> {
                    if (kind == Kind.INSERT) {
                        throw new Jdbc.StoreException("insert into " + id.table.name(), new SQLException(
                                "row " + id.key + " inserted twice in one batch", "23505"));
                    }
                    // after a delete, or after an update (of a row that cannot have existed if this insert is to
                    // succeed, so the update changed nothing)
                    kind = Kind.INSERT;
                    columnsToChange().clear();
                    columns.putAll(values);
                }
                case UPDATE -> {
                    if (kind != Kind.DELETE) { // updating a deleted row changes nothing
                        columnsToChange().putAll(values);
                    }
                }
            }
        }
    }
}
