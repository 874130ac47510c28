package io.casetrail.logs.systemlog;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.JsonNode;

import io.casetrail.platform.store.Jdbc;

/**
 * Appends System Log entries with their index rows: one per target id, one per keyword. An entry whose uuid is
 * already stored is left as it is, so replaying a topic changes nothing. Entries commit in the order of their
 * sequence, whatever the number of instances appending.
 */
@Singleton
public class SystemLogStore {

    /** The longest id or keyword the index columns hold; longer ones are kept in the entry's body only. */
    static final int MAX_KEYWORD = 255;

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern AROUND_WORD = Pattern.compile("^[^\\p{L}\\p{N}]+|[^\\p{L}\\p{N}]+$");
    private static final Pattern BETWEEN_PARTS = Pattern.compile("[^\\p{L}\\p{N}]+");

    private final Jdbc jdbc;
    private final Clock clock;

    public SystemLogStore(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /**
     * Stores the entry in the current transaction; {@code false} when its uuid was already there. Appends wait for
     * one another ({@code system_log_head}): an entry commits before the next draws its sequence, which is the order
     * polling reads in.
     */
    public boolean append(LogEventMapper.LogRecord record) {
        jdbc.queryOne("SELECT id FROM system_log_head WHERE id = 1 FOR UPDATE", row -> 1)
                .orElseThrow(() -> new IllegalStateException("system_log_head has no row: appends would not be"
                        + " ordered (migration V2026_11_29_31)"));
        if (jdbc.queryOne("SELECT 1 FROM system_log_event WHERE uuid = ?", row -> 1, record.uuid()).isPresent()) {
            return false;
        }
        // an actor id or target id too long for its index column, or with NUL, is not indexed (the entry's body keeps
        // it): an entry the database refused would stop the System Log for good
        String actorId = indexable(record.actorId());
        jdbc.update("INSERT INTO system_log_event (uuid, org_id, published_ms, ingested_ms, event_type, severity,"
                        + " actor_id, outcome_result, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", record.uuid(),
                record.orgId(), record.published().toEpochMilli(), clock.millis(), record.eventType(),
                record.severity(), actorId, record.outcomeResult(), record.body().toString());
        long seq = jdbc.queryOne("SELECT seq FROM system_log_event WHERE uuid = ?", row -> row.getLong(1),
                record.uuid()).orElseThrow();
        List<Object[]> targets = new ArrayList<>();
        for (String targetId : new LinkedHashSet<>(record.targetIds())) {
            if (indexable(targetId) != null) {
                targets.add(new Object[] {seq, record.orgId(), targetId});
            }
        }
        jdbc.batch("INSERT INTO system_log_target (seq, org_id, target_id) VALUES (?, ?, ?)", targets);
        // some forty words an entry: sent together (one statement each was most of an append's time)
        jdbc.batch("INSERT INTO system_log_keyword (seq, org_id, keyword) VALUES (?, ?, ?)", keywords(record.body())
                .stream().map(keyword -> new Object[] {seq, record.orgId(), keyword}).toList());
        return true;
    }

    /**
     * The words {@code q} matches: of every attribute value, the whole value, each of its words (between spaces,
     * without the punctuation around them: {@code "grant (org-wide)"} has {@code org-wide}) and each of their parts
     * between characters that are neither letters nor digits (so a hyphenated word matches whole and by its parts),
     * lower case.
     */
    static Set<String> keywords(JsonNode event) {
        return keywords(event, true);
    }

    /**
     * The keywords of an entry, {@code withWords} or without its words between spaces (which entries recorded
     * before 2026-12-01 were not indexed by; they keep the keywords they had: {@link SystemLogIndexCheck}).
     */
    static Set<String> keywords(JsonNode event, boolean withWords) {
        Set<String> keywords = new LinkedHashSet<>();
        collect(event, withWords, keywords);
        return keywords;
    }

    private static void add(String keyword, Set<String> keywords) {
        if (!keyword.isEmpty() && indexable(keyword) != null) {
            keywords.add(keyword);
        }
    }

    /**
     * An id or keyword as the index keeps it: not one longer than its column, nor one with NUL, which PostgreSQL's
     * text refuses (the entry's body keeps both; a row the database refused would stop the System Log for good).
     */
    static String indexable(String value) {
        return value == null || value.length() > MAX_KEYWORD || value.indexOf('\u0000') >= 0 ? null : value;
    }

    private static void collect(JsonNode node, boolean withWords, Set<String> keywords) {
        if (node.isObject()) {
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), withWords, keywords);
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, withWords, keywords));
        } else if (node.isValueNode() && !node.isNull()) {
            String value = node.asText().toLowerCase(Locale.ROOT);
            add(value, keywords);
            for (String word : withWords ? SPACES.split(value) : new String[0]) {
                add(AROUND_WORD.matcher(word).replaceAll(""), keywords);
            }
            for (String part : BETWEEN_PARTS.split(value)) {
                add(part, keywords);
            }
        }
    }
}
