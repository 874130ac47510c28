package io.casetrail.logs.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Singleton;

import io.casetrail.events.StorableText;
import io.casetrail.platform.store.Jdbc;

/**
 * The internal log: entries appended one at a time to the hash chain (the head row is locked for the append, so
 * concurrent consumers and instances take turns), never changed. Reads by org, time, request id, type.
 */
@Singleton
public class InternalLog {

    /**
     * An entry before it joins the chain, fitted to the columns that keep it: an entry the database refused would
     * stop the chain for good, and what it is made of comes off Kafka (a request log names the org and the case of
     * the path a caller asked for, whatever its length). An org id or case number too long to be one is left out
     * (the message and attributes keep what was asked), the other names are cut, an unknown level is INFO, and an
     * id too long for its column is replaced by its SHA-256 (the same every time, so a repeat is still known).
     */
    public record NewEntry(String entryId, Instant occurredAt, String kind, String orgId, String caseNumber,
                           String requestId, String type, String level, String source, String actor, String message,
                           String attributes) {

        static final int ID = 64;
        static final int NAME = 255;
        static final int CASE_NUMBER = 16;
        static final List<String> LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR");

        public NewEntry {
            entryId = entryId.length() <= ID ? clean(entryId) : HashChain.hash("", entryId);
            orgId = orgId == null || orgId.length() > NAME ? null : clean(orgId);
            caseNumber = caseNumber == null || caseNumber.length() > CASE_NUMBER ? null : clean(caseNumber);
            requestId = cut(requestId);
            type = cut(type);
            level = LEVELS.contains(level) ? level : "INFO";
            source = cut(source);
            actor = cut(actor);
            message = clean(message);
            attributes = clean(attributes);
        }

        private static String cut(String name) {
            return clean(name == null || name.length() <= NAME ? name : name.substring(0, NAME));
        }

        /**
         * NUL, which PostgreSQL's text refuses, as U+FFFD: a request for {@code /cases/%00}, refused, is still
         * logged, and its path in the message would otherwise stop the log for every entry behind it. A lone half of
         * a surrogate pair (a message cut in the middle of an emoji, an escape in an event's JSON) as U+FFFD too:
         * the driver would store it as {@code ?}, and the entry's hash, taken over the text as it was, would fail
         * verification for good.
         */
        private static String clean(String text) {
            return StorableText.of(text);
        }
    }

    /**
     * What to look for; nulls match everything. {@code cases}: when given, entries of other cases are left out
     * (entries of no case stay). {@code typesLeftOut}: entries whose type starts with one of them are left out;
     * {@code sourceLeftOut}: when given, entries from that source.
     */
    public record Query(String orgId, Instant since, Instant until, String requestId, String type,
                        Collection<String> cases, List<String> typesLeftOut, String sourceLeftOut) {

        public Query(String orgId, Instant since, Instant until, String requestId, String type,
                     Collection<String> cases) {
            this(orgId, since, until, requestId, type, cases, List.of(), null);
        }
    }

    static final String COLUMNS = "seq, entry_id, recorded_at, occurred_at, kind, org_id, case_number, request_id,"
            + " type, level, source, actor, message, attributes, prev_hash, hash";

    private final Jdbc jdbc;
    private final Clock clock;
    private final Checkpoints checkpoints;

    public InternalLog(Jdbc jdbc, Clock clock, Checkpoints checkpoints) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.checkpoints = checkpoints;
    }

    /** Appends the entry to the chain in the caller's transaction; an entry id seen before is not appended again. */
    public void append(NewEntry n) {
        long[] head = new long[1];
        String prevHash = jdbc.queryOne("SELECT seq, hash FROM internal_log_head WHERE id = 1 FOR UPDATE", row -> {
            head[0] = row.getLong(1);
            return row.getString(2);
        }).orElseThrow(() -> new IllegalStateException("internal_log_head has no row"));
        if (jdbc.queryOne("SELECT 1 FROM internal_log WHERE entry_id = ?", row -> 1, n.entryId()).isPresent()) {
            return;
        }
        long seq = head[0] + 1;
        InternalLogEntry entry = new InternalLogEntry(seq, n.entryId(), HashChain.precise(clock.instant()),
                HashChain.precise(n.occurredAt()), n.kind(), n.orgId(), n.caseNumber(), n.requestId(), n.type(),
                n.level(), n.source(), n.actor(), n.message(), n.attributes(), prevHash, null);
        String hash = HashChain.hashOf(entry, prevHash);
        jdbc.update("INSERT INTO internal_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                        + " ?)", seq, entry.entryId(), entry.recordedAt(), entry.occurredAt(), entry.kind(),
                entry.orgId(), entry.caseNumber(), entry.requestId(), entry.type(), entry.level(), entry.source(),
                entry.actor(), entry.message(), entry.attributes(), prevHash, hash);
        jdbc.update("UPDATE internal_log_head SET seq = ?, hash = ? WHERE id = 1", seq, hash);
        if (InternalLogEntry.EVENT.equals(entry.kind()) && entry.orgId() != null) {
            // under the head's lock: no other append adds the same org meanwhile
            jdbc.update("INSERT INTO internal_log_org (org_id) SELECT ? WHERE NOT EXISTS"
                    + " (SELECT 1 FROM internal_log_org WHERE org_id = ?)", entry.orgId(), entry.orgId());
        }
        if (checkpoints.dueAt(seq)) {
            checkpoints.sign(seq, hash, clock.instant());
        }
    }

    /** Every org a domain event in the log names. */
    public Set<String> eventOrgs() {
        return new HashSet<>(jdbc.query("SELECT org_id FROM internal_log_org", row -> row.getString(1)));
    }

    /** The chain head: its last sequence number and hash. */
    public Head head() {
        return jdbc.queryOne("SELECT seq, hash FROM internal_log_head WHERE id = 1",
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow();
    }

    /** The chain head, locked until the caller's transaction ends (no entry joins meanwhile). */
    public Head lockedHead() {
        return jdbc.queryOne("SELECT seq, hash FROM internal_log_head WHERE id = 1 FOR UPDATE",
                row -> new Head(row.getLong(1), row.getString(2))).orElseThrow();
    }

    /** The chain's last entry. */
    public record Head(long seq, String hash) {
    }

    /** Entries {@code from..to} in chain order, at most {@code limit}. */
    public List<InternalLogEntry> range(long from, long to, int limit) {
        return jdbc.query("SELECT " + COLUMNS + " FROM internal_log WHERE seq BETWEEN ? AND ? ORDER BY seq LIMIT "
                + limit, InternalLog::row, from, to);
    }

    /** Entries matching the query after the cursor, in chain order; one more than {@code limit} tells of more. */
    public List<InternalLogEntry> find(Query q, long afterSeq, int limit) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM internal_log WHERE seq > ?");
        List<Object> parameters = new ArrayList<>(List.of(afterSeq));
        if (q.orgId() != null) {
            sql.append(" AND org_id = ?");
            parameters.add(q.orgId());
        }
        if (q.since() != null) {
            sql.append(" AND occurred_at >= ?");
            parameters.add(q.since());
        }
        if (q.until() != null) {
            sql.append(" AND occurred_at < ?");
            parameters.add(q.until());
        }
        if (q.requestId() != null) {
            sql.append(" AND request_id = ?");
            parameters.add(q.requestId());
        }
        if (q.type() != null) {
            sql.append(" AND type = ?");
            parameters.add(q.type());
        }
        for (String prefix : q.typesLeftOut()) {
            sql.append(" AND type NOT LIKE ?");
            parameters.add(prefix + "%"); // a prefix of ours: no wildcard in it
        }
        if (q.sourceLeftOut() != null) {
            sql.append(" AND source <> ?");
            parameters.add(q.sourceLeftOut());
        }
        if (q.cases() != null) {
            sql.append(" AND (case_number IS NULL");
            if (!q.cases().isEmpty()) {
                sql.append(" OR case_number IN (").append(String.join(", ", Collections.nCopies(q.cases().size(),
                        "?"))).append(")");
                parameters.addAll(q.cases());
            }
            sql.append(")");
        }
        sql.append(" ORDER BY seq LIMIT ").append(limit + 1);
        return jdbc.query(sql.toString(), InternalLog::row, parameters.toArray());
    }

    static InternalLogEntry row(ResultSet r) throws SQLException {
        return new InternalLogEntry(r.getLong("seq"), r.getString("entry_id"), Jdbc.instant(r, "recorded_at"),
                Jdbc.instant(r, "occurred_at"), r.getString("kind"), r.getString("org_id"),
                r.getString("case_number"), r.getString("request_id"), r.getString("type"), r.getString("level"),
                r.getString("source"), r.getString("actor"), r.getString("message"), r.getString("attributes"),
                r.getString("prev_hash"), r.getString("hash"));
    }
}
