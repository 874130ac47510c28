package io.casetrail.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;

/**
 * A projection rebuilt from case-service's own event store (one million events: {@code POST
 * /ops/projections/case-views/rebuild}, timed until it has caught up; twice, the second on the warm service counts)
 * against a plain sequential read of the event table over JDBC (every column the processor reads, 1000 rows a
 * fetch; twice, the second counts).
 */
final class RebuildBench {

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
            double readRate = sequentialRead(stack, stored);
            stack.start("case-service");
            // twice on the same service: the first rebuild runs while case-service's JIT compiler is still busy
            // (it takes half a core or more for the first 20 seconds); the second is the figure, the service warm
            // as a service that has been running is
            double cold = rebuild(stack, operator, stored);
            double warm = rebuild(stack, operator, stored);
            result.put("events", stored);
            result.put("coldRebuildSeconds", Bench.round(stored / cold));
            result.put("coldRebuildEventsPerSecond", Bench.round(cold));
            result.put("rebuildSeconds", Bench.round(stored / warm));
            result.put("rebuildEventsPerSecond", Bench.round(warm));
            result.put("sequentialReadEventsPerSecond", Bench.round(readRate));
            result.put("ratio", Bench.round(warm / readRate));
            System.out.printf("rebuild of case-views: %d events at %.0f events/s (%.1f s; the first, cold: %.0f"
                    + " events/s) | sequential read %.0f events/s | ratio %.2f%n", stored, warm, stored / warm, cold,
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
            Thread.sleep(100);
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

    /** Reads the whole event table in global order; events per second. */
    static double sequentialRead(BenchStack stack, long expected) throws Exception {
        long started = System.nanoTime();
        long rows = 0;
        long bytes = 0;
        try (Connection db = stack.database("case-service", false); PreparedStatement query = db.prepareStatement(
                "SELECT globalindex, type, aggregateidentifier, sequencenumber, eventidentifier, timestamp,"
                        + " payloadtype, payloadrevision, payload, metadata FROM domainevententry"
                        + " ORDER BY globalindex")) {
            query.setFetchSize(1000);
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
