package io.casetrail.logs.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.casetrail.events.EventJson;

/**
 * What an audit replay found: how much it read, the aggregates whose sequences have gaps or duplicates, and the
 * differences between the System Log rebuilt from the events and log-service's live one. Healthy when there are
 * none. Written as JSON (for machines) and HTML (for people).
 */
public record AuditReport(Instant startedAt, Instant finishedAt, Instant from, String orgId, String caseNumber,
                          long recordsTotal, long recordsRead, long redelivered, int aggregates,
                          Map<String, Long> recordsByOrg, List<String> unreadable, List<Gap> gaps,
                          List<Duplicate> duplicates, long expectedEntries, long liveEntries, List<Entry> missing,
                          List<Entry> unexpected, List<Change> changed, boolean healthy) {

    /** A sequence number an aggregate skips. */
    public record Gap(String aggregate, long sequence) {
    }

    /** Two different events with one aggregate sequence number. */
    public record Duplicate(String aggregate, long sequence, String firstId, String secondId) {
    }

    /** A System Log entry on one side only, in the System Log of {@code orgId}. */
    public record Entry(String orgId, String uuid, String eventType) {
    }

    /** A field of a System Log entry that differs ({@code expected} from the events, {@code live} from the API). */
    public record Change(String orgId, String uuid, String field, String expected, String live) {
    }

    private static final ObjectMapper JSON = EventJson.newMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes {@code audit-report.json} and {@code audit-report.html} into the directory; returns the JSON file. */
    public Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path json = directory.resolve("audit-report.json");
        JSON.writeValue(json.toFile(), this);
        Files.writeString(directory.resolve("audit-report.html"), html());
        return json;
    }

    String html() {
        StringBuilder h = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Casetrail audit"
                + " replay</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                + "td,th{border:1px solid #999;padding:4px 8px;text-align:left}.ok{color:#060}.bad{color:#a00}"
                + "</style></head><body>");
        h.append("<h1>Casetrail audit replay: <span class=\"").append(healthy ? "ok\">healthy" : "bad\">differences")
                .append("</span></h1>");
        h.append("<table>");
        row(h, "Replayed", (from == null ? "from the beginning" : "from " + from) + ", " + startedAt + " to "
                + finishedAt);
        row(h, "Scope", (orgId == null ? "every org" : "org " + orgId) + (caseNumber == null ? "" : ", case "
                + caseNumber));
        row(h, "Records", recordsRead + " of " + recordsTotal + " read; " + aggregates + " aggregates; "
                + redelivered + " redelivered copies");
        row(h, "System Log entries", expectedEntries + " rebuilt from the events, " + liveEntries + " live");
        h.append("</table>");
        section(h, "Sequence gaps", gaps.stream().map(g -> List.of(g.aggregate(), Long.toString(g.sequence())))
                .toList(), "aggregate", "missing sequence");
        section(h, "Duplicate sequence numbers", duplicates.stream().map(d -> List.of(d.aggregate(),
                Long.toString(d.sequence()), d.firstId(), d.secondId())).toList(), "aggregate", "sequence", "first",
                "second");
        section(h, "Missing from the live System Log", missing.stream().map(e -> List.of(e.orgId(), e.uuid(),
                e.eventType())).toList(), "org", "uuid", "eventType");
        section(h, "In the live System Log but not in the events", unexpected.stream()
                .map(e -> List.of(e.orgId(), e.uuid(), e.eventType())).toList(), "org", "uuid", "eventType");
        section(h, "Changed fields", changed.stream().map(c -> List.of(c.orgId(), c.uuid(), c.field(),
                String.valueOf(c.expected()), String.valueOf(c.live()))).toList(), "org", "uuid", "field",
                "from the events", "live");
        section(h, "Unreadable records", unreadable.stream().map(List::of).toList(), "topic/partition@offset");
        return h.append("</body></html>").toString();
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>");
    }

    private static void section(StringBuilder h, String title, List<List<String>> rows, String... columns) {
        h.append("<h2>").append(escape(title)).append(" (").append(rows.size()).append(")</h2>");
        if (rows.isEmpty()) {
            h.append("<p class=\"ok\">none</p>");
            return;
        }
        h.append("<table><tr>");
        for (String column : columns) {
            h.append("<th>").append(escape(column)).append("</th>");
        }
        h.append("</tr>");
        for (List<String> row : rows) {
            h.append("<tr>");
            row.forEach(cell -> h.append("<td>").append(escape(cell)).append("</td>"));
            h.append("</tr>");
        }
        h.append("</table>");
    }

    static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    /** Collects findings while the replay runs. */
    static final class Builder {
        private final Replay.Options options;
        private final Instant startedAt;
        private long total;
        private long read;
        private long redelivered;
        private int aggregates;
        private long expected;
        private long live;
        private final Map<String, Long> byOrg = new TreeMap<>();
        private final List<String> unreadable = new ArrayList<>();
        private final List<Gap> gaps = new ArrayList<>();
        private final List<Duplicate> duplicates = new ArrayList<>();
        private final List<Entry> missing = new ArrayList<>();
        private final List<Entry> unexpected = new ArrayList<>();
        private final List<Change> changed = new ArrayList<>();

        Builder(Replay.Options options, Instant startedAt) {
            this.options = options;
            this.startedAt = startedAt;
        }

        void total(long records) {
            total = records;
        }

        void record(String orgId, long count) {
            read += count;
            byOrg.merge(orgId == null ? "(none)" : orgId, count, Long::sum);
        }

        void unreadable(String topic, int partition, long offset) {
            unreadable.add(topic + "/" + partition + "@" + offset);
        }

        void redelivered(long count) {
            redelivered += count;
        }

        void duplicate(Duplicate duplicate) {
            duplicates.add(duplicate);
        }

        void gap(String aggregate, long sequence) {
            gaps.add(new Gap(aggregate, sequence));
        }

        void aggregates(int count) {
            aggregates = count;
        }

        void compared(long expectedEntries, long liveEntries) {
            expected = expectedEntries;
            live = liveEntries;
        }

        void missing(String orgId, String uuid, String type) {
            missing.add(new Entry(orgId, uuid, type));
        }

        void unexpected(String orgId, String uuid, String type) {
            unexpected.add(new Entry(orgId, uuid, type));
        }

        void changed(String orgId, String uuid, String field, String expectedValue, String liveValue) {
            changed.add(new Change(orgId, uuid, field, expectedValue, liveValue));
        }

        /** How many changes were reported so far. */
        int changes() {
            return changed.size();
        }

        AuditReport build(Instant finishedAt) {
            boolean healthy = unreadable.isEmpty() && gaps.isEmpty() && duplicates.isEmpty() && missing.isEmpty()
                    && unexpected.isEmpty() && changed.isEmpty();
            return new AuditReport(startedAt, finishedAt, options.from(), options.orgId(), options.caseNumber(), total,
                    read, redelivered, aggregates, byOrg, unreadable, gaps, duplicates, expected, live, missing,
                    unexpected, changed, healthy);
        }
    }
}
