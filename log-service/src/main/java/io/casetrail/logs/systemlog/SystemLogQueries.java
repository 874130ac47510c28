package io.casetrail.logs.systemlog;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.logs.systemlog.filter.LogFilter;
import io.casetrail.platform.errors.OktaApiException;
import io.casetrail.platform.store.Jdbc;

/**
 * Runs System Log queries the way the identity platform defines them.
 *
 * <ul>
 *   <li><b>Polling</b> ({@code until} absent, ascending): every entry of the org in the order it was recorded,
 *       from {@code since} on; there is always a {@code next} page, empty pages included, so a client can keep
 *       following it.</li>
 *   <li><b>Bounded</b> (otherwise): entries published in [{@code since}, {@code until}), ordered by
 *       {@code published} in {@code sortOrder}; the last page has no {@code next}.</li>
 * </ul>
 * Either way only entries published at or after {@code retainedFrom} are read: the API shows the last 90 days, as
 * the identity platform does, whatever {@code since} or cursor a caller sends (the store keeps every entry).
 * The parts of a filter the indexes serve (a top-level conjunction of {@code eventType}, {@code severity},
 * {@code actor.id}, {@code outcome.result}, {@code target.id} equality) and every {@code q}
 * keyword become SQL; the whole filter is then evaluated on each candidate entry.
 */
@Singleton
public class SystemLogQueries {

    /**
     * What to read. {@code after} continues a previous page and wins over {@code since}; nothing published before
     * {@code retainedFrom} is read.
     */
    public record LogQuery(String orgId, Instant since, Instant until, Instant retainedFrom, boolean polling,
                           boolean descending, Cursor after, LogFilter filter, List<String> keywords, int limit) {
    }

    /** A page: the entries as stored (LogEvent JSON) and the cursor of the next page, {@code null} when none. */
    public record Page(List<String> events, String next) {
    }

    /**
     * Where a page ended: {@code <millis>_<seq>} (published time for bounded reads, recording time for polling);
     * sequence 0, which no entry has, marks where a read begins: that time, nothing read yet. A descending read
     * without {@code since} adds {@code _<millis>}, the start of its first page's window ({@code windowStart}): a
     * client that re-sends its own parameters with {@code after} (the Java SDK does, rather than follow the next
     * link) keeps that window, which would otherwise slide with the clock past the oldest entries still to read.
     */
    public record Cursor(long millis, long seq, Long windowStart) {

        public Cursor(long millis, long seq) {
            this(millis, seq, null);
        }

        public String encode() {
            return millis + "_" + seq + (windowStart == null ? "" : "_" + windowStart);
        }

        /** This position, carrying the start of the read's window. */
        public Cursor withWindowStart(Instant since) {
            return new Cursor(millis, seq, since.toEpochMilli());
        }

        public static Cursor decode(String token) {
            String[] parts = token == null ? new String[0] : token.split("_", -1);
            try {
                if (parts.length == 2 || parts.length == 3) {
                    return new Cursor(Long.parseLong(parts[0]), Long.parseLong(parts[1]),
                            parts.length == 3 ? Long.valueOf(parts[2]) : null);
                }
            } catch (NumberFormatException e) {
                // refused below
            }
            throw new OktaApiException(400, "E0000001", "Api validation failed: after",
                    List.of("after: not a cursor this API handed out; follow the next link"));
        }
    }

    private static final int CHUNK = 500;

    private final Jdbc jdbc;
    private final ObjectMapper json = new ObjectMapper();
    private final Duration scanBudget;

    /**
     * {@code scanBudget}: how long one read may scan for entries its filter matches (a filter on an attribute no
     * index holds reads the org's entries one chunk after the other); past it, the page ends where the scan stands,
     * with fewer entries, or none, and a next link that goes on from there, as a client following next links
     * expects.
     */
    @Inject
    public SystemLogQueries(Jdbc jdbc,
                            @ConfigProperty(name = "casetrail.system-log.scan-budget", defaultValue = "PT10S")
                            Duration scanBudget) {
        this.jdbc = jdbc;
        this.scanBudget = scanBudget;
    }

    public Page read(LogQuery query) {
        Cursor position = query.after() != null ? query.after() : start(query);
        if (query.limit() == 0) {
            // nothing to return; a polling read still continues from where it stands
            return new Page(List.of(), query.polling() ? position.encode() : null);
        }
        List<String> events = new ArrayList<>();
        Cursor lastReturned = null;
        boolean more = false;
        boolean cut = false;
        long scanUntil = System.nanoTime() + scanBudget.toNanos();
        scan:
        while (true) {
            List<Row> rows = fetch(query, position);
            for (Row row : rows) {
                position = row.cursor();
                if (!matches(query.filter(), row.body())) {
                    continue;
                }
                if (events.size() == query.limit()) {
                    more = true;
                    break scan;
                }
                events.add(row.body());
                lastReturned = row.cursor();
            }
            if (rows.size() < CHUNK) {
                break;
            }
            if (System.nanoTime() - scanUntil >= 0) {
                cut = true; // the scan's time is up: the next page goes on from where it stands
                break;
            }
        }
        if (query.polling()) {
            // a polling read always continues: after the last entry returned, else after everything scanned, else
            // (nothing recorded yet) from the same time
            return new Page(events, (more ? lastReturned : position).encode());
        }
        return new Page(events, more ? lastReturned.encode() : cut ? position.encode() : null);
    }

    /**
     * Where a read without {@code after} begins: a cursor of sequence 0 (no entry has it) at the time the read
     * starts from, so that a polling read that finds nothing yet goes on from {@code since}, not from the beginning.
     */
    private static Cursor start(LogQuery query) {
        return new Cursor((query.descending() ? query.until() : query.since()).toEpochMilli(), 0);
    }

    private record Row(Cursor cursor, String body) {
    }

    private List<Row> fetch(LogQuery query, Cursor position) {
        List<Object> parameters = new ArrayList<>();
        StringBuilder sql = new StringBuilder(query.polling()
                ? "SELECT e.seq, e.ingested_ms AS cursor_ms, e.body FROM system_log_event e WHERE e.org_id = ?"
                : "SELECT e.seq, e.published_ms AS cursor_ms, e.body FROM system_log_event e WHERE e.org_id = ?");
        parameters.add(query.orgId());
        sql.append(" AND e.published_ms >= ?");
        parameters.add(query.retainedFrom().toEpochMilli());
        if (query.polling()) {
            if (position.seq() == 0) {
                sql.append(" AND e.ingested_ms >= ?");
                parameters.add(position.millis());
            } else {
                sql.append(" AND e.seq > ?");
                parameters.add(position.seq());
            }
        } else {
            sql.append(" AND e.published_ms >= ? AND e.published_ms < ?");
            parameters.add(query.since().toEpochMilli());
            parameters.add(query.until().toEpochMilli());
            if (position.seq() != 0) {
                String op = query.descending() ? "<" : ">";
                sql.append(" AND (e.published_ms ").append(op).append(" ? OR (e.published_ms = ? AND e.seq ")
                        .append(op).append(" ?))");
                parameters.add(position.millis());
                parameters.add(position.millis());
                parameters.add(position.seq());
            }
        }
        appendIndexedConditions(sql, parameters, query.filter());
        for (String keyword : query.keywords()) {
            sql.append(" AND EXISTS (SELECT 1 FROM system_log_keyword k WHERE k.seq = e.seq AND k.org_id = e.org_id"
                    + " AND k.keyword = ?)");
            parameters.add(keyword);
        }
        sql.append(query.polling() ? " ORDER BY e.seq"
                : query.descending() ? " ORDER BY e.published_ms DESC, e.seq DESC" : " ORDER BY e.published_ms, e.seq");
        sql.append(" LIMIT ").append(CHUNK);
        return jdbc.query(sql.toString(), row -> new Row(new Cursor(row.getLong("cursor_ms"), row.getLong("seq")),
                row.getString("body")), parameters.toArray());
    }

    /** SQL for the indexed predicates of the filter's top-level conjunction (the full filter is checked anyway). */
    private static void appendIndexedConditions(StringBuilder sql, List<Object> parameters, LogFilter filter) {
        if (filter instanceof LogFilter.And and) {
            appendIndexedConditions(sql, parameters, and.left());
            appendIndexedConditions(sql, parameters, and.right());
            return;
        }
        if (!(filter instanceof LogFilter.Compare compare) || !compare.value().isTextual()) {
            return;
        }
        String value = compare.value().asText();
        // an id longer than the index columns hold is in no index (SystemLogStore): such entries are found by their
        // body, as for a filter no index holds
        if (compare.operator() == LogFilter.Operator.EQ && value.length() <= SystemLogStore.MAX_KEYWORD) {
            String column = switch (compare.path()) {
                case "eventType" -> "e.event_type";
                case "severity" -> "e.severity";
                case "actor.id" -> "e.actor_id";
                case "outcome.result" -> "e.outcome_result";
                default -> null;
            };
            if (column != null) {
                sql.append(" AND ").append(column).append(" = ?");
                parameters.add(value);
            } else if (compare.path().equals("target.id")) {
                sql.append(" AND EXISTS (SELECT 1 FROM system_log_target t WHERE t.seq = e.seq AND t.org_id = e.org_id"
                        + " AND t.target_id = ?)");
                parameters.add(value);
            }
        }
    }

    private boolean matches(LogFilter filter, String body) {
        if (filter == null) {
            return true;
        }
        try {
            JsonNode event = json.readTree(body);
            return filter.matches(event);
        } catch (Exception e) {
            throw new IllegalStateException("a stored System Log entry is not JSON", e);
        }
    }
}
