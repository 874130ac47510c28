package io.casetrail.logs.systemlog;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.casetrail.platform.store.Jdbc;

/**
 * Checks that the System Log's index (the columns and rows its {@code filter} and {@code q} are answered from) says
 * what each entry's body says. An audit replay compares the bodies with the events on Kafka; this closes the rest:
 * an index row changed or removed behind the service's back would hide an entry from a filtered query (a SIEM rule
 * on {@code eventType}, a case's {@code target.id}, a {@code q} word) while the unfiltered log, and the replay's
 * comparison of it, showed nothing wrong.
 *
 * <p>An entry's words (between spaces, without the punctuation around them, {@link SystemLogStore#keywords}) are
 * required of the entries stored since migration {@code V2026_12_01_72} ({@code system_log_index_rules}), by a
 * version that indexes them; entries stored before may lack them (they were indexed from 2026-12-01 on): of those,
 * each whole value and its parts, which every version indexed. A stored keyword the body does not have is reported
 * whatever the version.
 */
@Singleton
public class SystemLogIndexCheck {

    /** What the index says of an entry that its body does not ({@code expected} from the body). */
    public record Mismatch(String uuid, String field, String expected, String stored) {
    }

    /**
     * One page of the check: {@code checked} entries, the sequence of the last one ({@code last}; the next page
     * goes on after it) and whether there may be more.
     */
    public record Result(int checked, long last, boolean more, List<Mismatch> mismatches) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private record Stored(long seq, String uuid, long publishedMs, String eventType, String severity, String actorId,
                          String outcomeResult, String body) {
    }

    private final Jdbc jdbc;

    public SystemLogIndexCheck(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    /** Checks up to {@code limit} entries of the org published from {@code since}, after sequence {@code after}. */
    public Result check(String orgId, Instant since, long after, int limit) {
        List<Stored> entries = jdbc.query("SELECT seq, uuid, published_ms, event_type, severity, actor_id,"
                        + " outcome_result, body FROM system_log_event WHERE org_id = ? AND published_ms >= ? AND seq > ?"
                        + " ORDER BY seq LIMIT ?",
                row -> new Stored(row.getLong(1), row.getString(2), row.getLong(3), row.getString(4),
                        row.getString(5), row.getString(6), row.getString(7), row.getString(8)),
                orgId, since.toEpochMilli(), after, limit);
        if (entries.isEmpty()) {
            return new Result(0, after, false, List.of());
        }
        long wordsFrom = jdbc.queryOne("SELECT from_seq FROM system_log_index_rules WHERE rules = 'words'",
                row -> row.getLong(1)).orElse(Long.MAX_VALUE);
        Map<Long, Set<String>> targets = rowsOf("system_log_target", "target_id", orgId, entries);
        Map<Long, Set<String>> keywords = rowsOf("system_log_keyword", "keyword", orgId, entries);
        List<Mismatch> mismatches = new ArrayList<>();
        for (Stored entry : entries) {
            JsonNode body;
            try {
                body = JSON.readTree(entry.body());
            } catch (JsonProcessingException e) {
                mismatches.add(new Mismatch(entry.uuid(), "body", "JSON", "not JSON"));
                continue;
            }
            compare(entry.uuid(), "published", published(body), Instant.ofEpochMilli(entry.publishedMs()),
                    mismatches);
            compare(entry.uuid(), "eventType", text(body.path("eventType")), entry.eventType(), mismatches);
            compare(entry.uuid(), "severity", text(body.path("severity")), entry.severity(), mismatches);
            compare(entry.uuid(), "actor.id", SystemLogStore.indexable(text(body.path("actor").path("id"))),
                    entry.actorId(), mismatches);
            compare(entry.uuid(), "outcome.result", text(body.path("outcome").path("result")),
                    entry.outcomeResult(), mismatches);
            Set<String> targetIds = new TreeSet<>();
            body.path("target").forEach(target -> {
                String id = SystemLogStore.indexable(text(target.path("id")));
                if (id != null) {
                    targetIds.add(id);
                }
            });
            compare(entry.uuid(), "target.id", targetIds, targetIds,
                    targets.getOrDefault(entry.seq(), Set.of()), mismatches);
            Set<String> all = SystemLogStore.keywords(body);
            compare(entry.uuid(), "keyword", entry.seq() > wordsFrom ? all : SystemLogStore.keywords(body, false),
                    all, keywords.getOrDefault(entry.seq(), Set.of()), mismatches);
        }
        Stored last = entries.get(entries.size() - 1);
        return new Result(entries.size(), last.seq(), entries.size() == limit, mismatches);
    }

    /** The index rows of the entries, by sequence: those of the entry's own org only (a row moved away is gone). */
    private Map<Long, Set<String>> rowsOf(String table, String column, String orgId, List<Stored> entries) {
        String marks = String.join(", ", Collections.nCopies(entries.size(), "?"));
        List<Object> parameters = new ArrayList<>();
        parameters.add(orgId);
        entries.forEach(entry -> parameters.add(entry.seq()));
        Map<Long, Set<String>> rows = new HashMap<>();
        jdbc.query("SELECT seq, " + column + " FROM " + table + " WHERE org_id = ? AND seq IN (" + marks + ")",
                row -> rows.computeIfAbsent(row.getLong(1), seq -> new TreeSet<>()).add(row.getString(2)),
                parameters.toArray());
        return rows;
    }

    private static void compare(String uuid, String field, Object expected, Object stored, List<Mismatch> into) {
        if (!Objects.equals(expected, stored)) {
            into.add(new Mismatch(uuid, field, expected == null ? null : expected.toString(),
                    stored == null ? null : stored.toString()));
        }
    }

    /** Every value of {@code required} must be stored, and nothing stored that is not in {@code allowed}. */
    private static void compare(String uuid, String field, Set<String> required, Set<String> allowed,
                                Set<String> stored, List<Mismatch> into) {
        Set<String> missing = new TreeSet<>(required);
        missing.removeAll(stored);
        Set<String> extra = new TreeSet<>(stored);
        extra.removeAll(allowed);
        if (!missing.isEmpty()) {
            into.add(new Mismatch(uuid, field, String.join(" ", missing), null));
        }
        if (!extra.isEmpty()) {
            into.add(new Mismatch(uuid, field, null, String.join(" ", extra)));
        }
    }

    /** The body's published time, to the millisecond the store keeps. */
    private static Instant published(JsonNode body) {
        String text = text(body.path("published"));
        try {
            return text == null ? null : Instant.ofEpochMilli(Instant.parse(text).toEpochMilli());
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }
}
