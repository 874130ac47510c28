package io.casetrail.cases.query;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Singleton;

import io.casetrail.events.StorableText;
import io.casetrail.platform.api.Page;
import io.casetrail.platform.store.Jdbc;
import io.casetrail.platform.store.RowWriter;

/** The {@code case_timeline} table: appended by the case's own events and by other contexts' events. */
@Singleton
public class TimelineStore {

    /** Source of the case context's own entries. */
    public static final String OWN_SOURCE = "case";

    /** The table, for {@link RowWriter}. */
    static final RowWriter.Table TABLE = RowWriter.Table.of("case_timeline", "entry_id");

    private final Jdbc jdbc;
    private final RowWriter rows;

    public TimelineStore(Jdbc jdbc, RowWriter rows) {
        this.jdbc = jdbc;
        this.rows = rows;
    }

    /**
     * Adds an entry of the case's own event stream, in the processor batch's {@link RowWriter} (written with the
     * batch, in its transaction with the token: each event once, so no check for an entry already there).
     */
    void record(TimelineEntry entry, String caseNumber) {
        rows.insert(TABLE, entry.id(), columns(entry, caseNumber));
    }

    /** Appends an entry once: an entry id that is already on the timeline is left as it is. */
    void append(TimelineEntry entry, String caseNumber) {
        boolean present = jdbc.queryOne("SELECT 1 FROM case_timeline WHERE entry_id = ?", row -> true, entry.id())
                .isPresent();
        if (!present) {
            rows.insert(TABLE, entry.id(), columns(entry, caseNumber));
        }
    }

    private static RowWriter.Columns columns(TimelineEntry entry, String caseNumber) {
        return RowWriter.Columns.set("case_number", caseNumber).and("occurred_at", entry.occurredAt())
                .and("source", entry.source()).and("type", entry.type()).and("actor_id", cut(entry.actorId(), 255))
                .and("actor_name", cut(entry.actorName(), 255)).and("actor_kind", cut(entry.actorKind(), 16))
                .and("visibility", entry.visibility()).and("summary", cut(entry.summary(), 1000))
                .and("data", StorableText.of(entry.data()));
    }

    void clear(String source) {
        jdbc.update("DELETE FROM case_timeline WHERE source = ?", source);
    }

    /**
     * A page of a case's timeline in the order things happened, after the entry {@code afterSeq} (a cursor
     * handed out with the previous page); only public entries when {@code publicOnly}.
     */
    public List<Page.Row<TimelineEntry>> page(String caseNumber, boolean publicOnly, Cursor after, int limit) {
        String sql = "SELECT entry_id, seq, occurred_at, source, type, actor_id, actor_name, actor_kind, visibility,"
                + " summary, data FROM case_timeline WHERE case_number = ?"
                + (publicOnly ? " AND visibility = 'PUBLIC'" : "")
                + (after == null ? "" : " AND (occurred_at > ? OR (occurred_at = ? AND seq > ?))")
                + " ORDER BY occurred_at, seq LIMIT ?";
        Object[] params = after == null ? new Object[] {caseNumber, limit}
                : new Object[] {caseNumber, after.occurredAt(), after.occurredAt(), after.seq(), limit};
        return jdbc.query(sql, row -> new Page.Row<>(new TimelineEntry(row.getString("entry_id"),
                Jdbc.instant(row, "occurred_at"), row.getString("source"), row.getString("type"),
                row.getString("actor_id"), row.getString("actor_name"), row.getString("actor_kind"),
                TimelineEntry.Visibility.valueOf(row.getString("visibility")), row.getString("summary"),
                row.getString("data")), new Cursor(Jdbc.instant(row, "occurred_at"), row.getLong("seq")).encode()),
                params);
    }

    /** Position in a timeline: the time and insertion sequence of the last entry of a page. */
    public record Cursor(Instant occurredAt, long seq) {

        String encode() {
            return Page.cursor(occurredAt.toEpochMilli() + "." + occurredAt.getNano() + "." + seq);
        }

        public static Cursor decode(String token) {
            String[] parts = Page.parts(token, 1)[0].split("\\.");
            if (parts.length != 3) {
                throw Page.badCursor();
            }
            try {
                long millis = Long.parseLong(parts[0]);
                Instant at = Instant.ofEpochSecond(Math.floorDiv(millis, 1000), Integer.parseInt(parts[1]));
                return new Cursor(Page.cursorTime(at), Long.parseLong(parts[2]));
            } catch (NumberFormatException | java.time.DateTimeException e) {
                throw Page.badCursor();
            }
        }
    }

    /** Values that come from elsewhere (tokens, other services) must never be able to stop the projection. */
    /** A value of another service's event as a column keeps it: at most {@code max}, NUL mended. */
    private static String cut(String value, int max) {
        return StorableText.of(value == null || value.length() <= max ? value : value.substring(0, max - 3) + "...");
    }
}
