package io.casetrail.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;

/** Bar charts (SVG) of the benchmark results, for docs/benchmarks.md. */
final class Plots {

    record Bar(String name, double value) {
    }

    record Group(String label, List<Bar> bars) {
    }

    private static final String[] COLOURS = {"#3b6ea5", "#e08a2c", "#5a9e4b", "#8c5aa5", "#7f7f7f"};

    private Plots() {
    }

    static void draw(Path results, Path out) throws IOException {
        Files.createDirectories(out);
        JsonNode commands = read(results, "commands");
        if (commands != null) {
            List<Group> throughput = new ArrayList<>();
            List<Group> latency = new ArrayList<>();
            for (JsonNode row : commands.path("results")) {
                String clients = row.path("clients").asText() + " clients";
                List<Bar> bars = new ArrayList<>(List.of(new Bar("commands/s", row.path("commandsPerSecond")
                        .asDouble())));
                if (row.has("readsPerSecond")) {
                    bars.add(new Bar("case reads/s", row.path("readsPerSecond").asDouble()));
                }
                // the liveness (8 times the commit rate at 64 clients) would flatten every other bar: it is in
                // the table
                if (row.has("probeAndCommitPerSecond")) {
                    bars.add(new Bar("probe+commit/s", row.path("probeAndCommitPerSecond").asDouble()));
                }
                bars.add(new Bar("JDBC insert+commit/s", row.path("jdbcCommitsPerSecond").asDouble()));
                throughput.add(new Group(clients, bars));
                List<Bar> times = new ArrayList<>(List.of(new Bar("p50", row.path("p50Ms").asDouble()),
                        new Bar("p99", row.path("p99Ms").asDouble())));
                if (row.has("readP99Ms")) {
                    times.add(new Bar("case reads p99", row.path("readP99Ms").asDouble()));
                }
                if (row.has("jdbcP99Ms")) { // the yardstick's own tail, on the same machine and clients
                    times.add(new Bar("JDBC insert+commit p99", row.path("jdbcP99Ms").asDouble()));
                }
                latency.add(new Group(clients, times));
            }
            write(out, "commands-throughput", chart("Commands on case-service vs single-row commits", "per second",
                    throughput, null));
            write(out, "commands-latency", chart("Command latency, and the tails of a read and of a commit", "ms",
                    latency, 50.0));
            List<Group> cpu = new ArrayList<>();
            for (JsonNode row : commands.path("results")) {
                JsonNode perCommand = row.path("cpuMsPerCommand");
                if (perCommand.isMissingNode()) {
                    continue; // runs before 2026-12-04 08:40 did not read the processes' CPU
                }
                // the machine's busy share of its cores over the commands' seconds, per command: the three processes
                // and the rest (the kernel's threads writing PostgreSQL's log to disk, the OS)
                double cores = commands.path("machine").path("cores").asDouble();
                double machine = row.path("machineCpuBusy").path("commands").asDouble() * cores * 1000
                        / row.path("commandsPerSecond").asDouble();
                // the aim's rate is half the commit rate: at that rate the machine's cores allow a command this much
                double budget = cores * 1000 / (0.5 * row.path("jdbcCommitsPerSecond").asDouble());
                cpu.add(new Group(row.path("clients").asText() + " clients", List.of(
                        new Bar("case-service", perCommand.path("caseService").asDouble()),
                        new Bar("PostgreSQL", perCommand.path("postgresql").asDouble()),
                        new Bar("bench JVM", perCommand.path("benchJvm").asDouble()),
                        new Bar("the machine", machine),
                        new Bar("the machine at the aim", budget))));
            }
            if (!cpu.isEmpty()) {
                write(out, "commands-cpu", chart("CPU a command costs each process (ms), and what the aim allows",
                        "CPU ms per command", cpu, null));
            }
            List<Group> warmup = new ArrayList<>();
            for (JsonNode window : commands.path("jitWarmupCurve")) {
                warmup.add(new Group("to " + window.path("toSecond").asText() + " s", List.of(new Bar("commands/s",
                        window.path("commandsPerSecond").asDouble()))));
            }
            if (!warmup.isEmpty()) {
                write(out, "commands-warmup", chart("Commands/s through the unmeasured warm-up, by 30 s",
                        "per second", warmup, null));
            }
        }
        JsonNode relay = read(results, "relay");
        if (relay != null) {
            String records = relay.path("events").asText() + " records of " + relay.path("recordSizeBytes").asText()
                    + " bytes";
            write(out, "relay", chart("Relay vs kafka-producer-perf-test (acks=all)", "records per second",
                    List.of(new Group(records, List.of(
                            new Bar("relay, warm", relay.path("relayEventsPerSecond").asDouble()),
                            new Bar("relay, whole run", relay.path("relayWholeRunEventsPerSecond").asDouble()),
                            new Bar("producer-perf-test", relay.path("producerPerfTestRecordsPerSecond").asDouble())))),
                    null));
        }
        JsonNode e2e = read(results, "end-to-end");
        if (e2e != null) {
            write(out, "end-to-end", chart("Command 2xx to System Log entry readable", "ms", List.of(new Group(
                    e2e.path("ratePerSecond").asText() + " commands/s", List.of(new Bar("p50", e2e.path("p50Ms")
                    .asDouble()), new Bar("p99", e2e.path("p99Ms").asDouble()), new Bar("max", e2e.path("maxMs")
                    .asDouble())))), 500.0));
            List<Group> settling = new ArrayList<>();
            for (JsonNode slice : e2e.path("slices")) {
                settling.add(new Group(slice.path("fromSecond").asText() + " s", List.of(new Bar("p50", slice
                        .path("p50Ms").asDouble()), new Bar("p99", slice.path("p99Ms").asDouble()))));
            }
            if (!settling.isEmpty()) {
                write(out, "end-to-end-settling", chart("The delay by 10 s from a cold start (warm-up included)",
                        "ms", settling, 500.0));
            }
        }
        JsonNode rebuild = read(results, "rebuild");
        if (rebuild != null) {
            write(out, "rebuild", chart("Projection rebuild vs sequential read", "events per second", List.of(
                    new Group(rebuild.path("events").asText() + " events", List.of(new Bar("rebuild, warm", rebuild
                            .path("rebuildEventsPerSecond").asDouble()), new Bar("first rebuild, cold", rebuild
                            .path("coldRebuildEventsPerSecond").asDouble()), new Bar("sequential read", rebuild
                            .path("sequentialReadEventsPerSecond").asDouble())))), 20_000.0));
        }
        JsonNode replay = read(results, "replay");
        if (replay != null) {
            // the plain consumer's rate (some 60 times theirs) is in the text: as a bar it would flatten the others
            write(out, "replay", chart("log-service through a backlog of " + replay.path("caseTopicRecords").asText()
                    + " events", "records per second", List.of(
                    new Group("internal log", List.of(new Bar("warm", replay.path("internalLog")
                            .path("recordsPerSecond").asDouble()), new Bar("whole run", replay.path("internalLog")
                            .path("wholeRunRecordsPerSecond").asDouble()))),
                    new Group("known cases", List.of(new Bar("warm", replay.path("knownCases")
                            .path("recordsPerSecond").asDouble()), new Bar("whole run", replay.path("knownCases")
                            .path("wholeRunRecordsPerSecond").asDouble())))), null));
        }
        JsonNode queries = read(results, "queries");
        if (queries != null) {
            List<Group> groups = new ArrayList<>();
            for (JsonNode row : queries.path("results")) {
                groups.add(new Group(row.path("query").asText(), List.of(new Bar("p50", row.path("p50Ms").asDouble()),
                        new Bar("p99", row.path("p99Ms").asDouble()))));
            }
            write(out, "queries", chart("System Log queries over " + queries.path("entries").asText() + " entries",
                    "ms", groups, 100.0));
        }
    }

    private static JsonNode read(Path results, String name) throws IOException {
        Path file = results.resolve(name + ".json");
        return Files.exists(file) ? Bench.JSON.readTree(file.toFile()) : null;
    }

    private static void write(Path out, String name, String svg) throws IOException {
        Files.writeString(out.resolve(name + ".svg"), svg);
        System.out.println("drew " + out.resolve(name + ".svg"));
    }

    /** A grouped bar chart; {@code aim} draws a dashed line at that value. */
    static String chart(String title, String unit, List<Group> groups, Double aim) {
        int legendEntries = groups.isEmpty() ? 0 : groups.get(0).bars().size();
        int width = Math.max(720, 100 + 160 * legendEntries); // room for every legend entry on one line
        int height = 360;
        int left = 80;
        int top = 50;
        int bottom = 70;
        int plotHeight = height - top - bottom;
        double max = groups.stream().flatMap(g -> g.bars().stream()).mapToDouble(Bar::value).max().orElse(1);
        if (aim != null) {
            max = Math.max(max, aim);
        }
        max = max * 1.15;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n", width, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"16\">%s</text>%n", left,
                escape(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\">%s</text>%n",
                top + plotHeight / 2, top + plotHeight / 2, escape(unit)));
        svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n",
                left, top + plotHeight, width - 20, top + plotHeight));
        int groupWidth = (width - left - 20) / Math.max(1, groups.size());
        for (int g = 0; g < groups.size(); g++) {
            Group group = groups.get(g);
            int barWidth = Math.min(60, (groupWidth - 20) / Math.max(1, group.bars().size()));
            int x0 = left + g * groupWidth + (groupWidth - barWidth * group.bars().size()) / 2;
            for (int b = 0; b < group.bars().size(); b++) {
                Bar bar = group.bars().get(b);
                int h = (int) Math.round(bar.value() / max * plotHeight);
                int x = x0 + b * barWidth;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
                        + " fill=\"%s\"/>%n", x + 2, top + plotHeight - h, barWidth - 4, h, COLOURS[b % COLOURS.length]));
                svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                        x + barWidth / 2, top + plotHeight - h - 4, format(bar.value())));
            }
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    left + g * groupWidth + groupWidth / 2, top + plotHeight + 18, escape(group.label())));
        }
        List<Bar> legend = groups.isEmpty() ? List.of() : groups.get(0).bars();
        for (int b = 0; b < legend.size(); b++) {
            int x = left + b * 160;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", x, height - 28, COLOURS[b % COLOURS.length], x + 16,
                    height - 18, escape(legend.get(b).name())));
        }
        if (aim != null) {
            int y = top + plotHeight - (int) Math.round(aim / max * plotHeight);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#c0392b\""
                    + " stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\" fill=\"#c0392b\">aim %s</text>%n", left, y,
                    width - 20, y, width - 120, y - 4, format(aim)));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String format(double value) {
        if (value >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, value >= 10 ? "%.1f" : "%.2f", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
