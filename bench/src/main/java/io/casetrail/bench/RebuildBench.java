package io.casetrail.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;

/**
 * A projection rebuilt from case-service's own event store (one million events: {@code POST
 * /ops/projections/case-views/rebuild}, timed from the request until it has caught up) against a plain sequential
 * read of the event table over JDBC (every column the processor reads, 1000 rows a fetch, timed from the query, the
 * connection open). Each side runs once to warm up and then {@value #RUNS} times, the two sides taking turns; the
 * medians are the figures, and every run is kept in the results. The aim (a third) is close to what this machine
 * gives, so the ratio is kept to four decimals.
 */
final class RebuildBench {

    static final int RUNS = 3;

    private RebuildBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        long target = Long.getLong("bench.rebuild.events", 1_000_000);
        String operator = TokenMinter.forTests().token("ops-bench").role(Roles.PLATFORM_OPERATOR).sign();
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            EventStore.seed(stack, 1000);
            stack.stop("case-service");
            long stored = EventStore.fill(stack, target);
            sequentialRead(stack, stored); // the first read warms this JVM's driver code and PostgreSQL's cache
            stack.start("case-service");
            // the first rebuild runs while case-service's JIT compiler is still busy (it takes half a core or more
            // for the first 20 seconds); the ones after it are the figures, the service warm as a service that has
            // been running is
            double cold = rebuild(stack, operator, stored);
            List<Double> reads = new ArrayList<>();
            List<Double> rebuilds = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                reads.add(sequentialRead(stack, stored));
                rebuilds.add(rebuild(stack, operator, stored));
            }
            double readRate = median(reads);
            double warm = median(rebuilds);
            result.putPOJO("sequentialReadRuns", reads.stream().map(Bench::round).toList());
            result.putPOJO("rebuildRuns", rebuilds.stream().map(Bench::round).toList());
            result.put("events", stored);
            result.put("coldRebuildSeconds", Bench.round(stored / cold));
            result.put("coldRebuildEventsPerSecond", Bench.round(cold));
            result.put("rebuildSeconds", Bench.round(stored / warm));
            result.put("rebuildEventsPerSecond", Bench.round(warm));
            result.put("sequentialReadEventsPerSecond", Bench.round(readRate));
            result.put("ratio", Math.round(warm / readRate * 10_000) / 10_000.0);
            System.out.printf("rebuild of case-views: %d events at %.0f events/s (%.1f s; the first, cold: %.0f"
                    + " events/s) | sequential read %.0f events/s | ratio %.4f%n", stored, warm, stored / warm, cold,
                    readRate, warm / readRate);
        }
    }

    /** Rebuilds case-views and waits until it has caught up with all {@code stored} events; events per second. */
    private static double rebuild(BenchStack stack, String operator, long stored) throws Exception {
        long started = System.nanoTime();
        var answer = stack.post("case-service", "/ops/projections/case-views/rebuild", operator, "");
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("rebuild answered " + answer.statusCode() + ": " + answer.body());
        }
        while (true) {
            Thread.sleep(20);
            for (JsonNode views : Bench.JSON.readTree(stack.get("case-service", "/ops/projections", operator))) {
                if (views.path("name").asText().equals("case-views") && !views.path("replaying").asBoolean()
                        && views.path("lag").asLong() == 0 && views.path("position").asLong() >= stored) {
                    double rate = stored / ((System.nanoTime() - started) / 1e9);
                    System.out.printf("rebuild: %d events at %.0f events/s%n", stored, rate);
                    return rate;
                }
            }
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    /** Reads the whole event table in global order; events per second. */
    static double sequentialRead(BenchStack stack, long expected) throws Exception {
        long started;
        long rows = 0;
        long bytes = 0;
        try (Connection db = stack.database("case-service", false); PreparedStatement query = db.prepareStatement(
                "SELECT globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, timestamp,"
                        + " payloadtype, payloadrevision, payload, metadata FROM domainevententry"
                        + " ORDER BY globalindex")) {
            query.setFetchSize(1000);
            started = System.nanoTime(); // the read, not the connection: the rebuild's service has its pool open
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows++;
                    bytes += result.getBytes(9).length;
                }
            }
        }
        if (rows != expected) {
            throw new IllegalStateException("read " + rows + " events, expected " + expected);
        }
        double rate = rows / ((System.nanoTime() - started) / 1e9);
        System.out.printf("sequential read: %d events (%d MB of payload) at %.0f events/s%n", rows, bytes >> 20, rate);
        return rate;
    }
}
