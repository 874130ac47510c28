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
 * /ops/projections/case-views/rebuild}, timed until it has caught up) against a plain sequential read of the event
 * table over JDBC (every column the processor reads, 1000 rows a fetch).
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
            double readRate = sequentialRead(stack, stored);
            stack.start("case-service");

            long started = System.nanoTime();
            var answer = stack.post("case-service", "/ops/projections/case-views/rebuild", operator, "");
            if (answer.statusCode() != 202) {
                throw new IllegalStateException("rebuild answered " + answer.statusCode() + ": " + answer.body());
            }
            // the steady rate is taken after the first fifth of the events (case-service has just started and its
            // JIT compiler is busy); the whole run's rate is reported too
            long fifthAt = 0;
            long fifth = -1;
            while (true) {
                Thread.sleep(100);
                JsonNode views = null;
                for (JsonNode projection : Bench.JSON.readTree(stack.get("case-service", "/ops/projections",
                        operator))) {
                    if (projection.path("name").asText().equals("case-views")) {
                        views = projection;
                    }
                }
                long position = views == null ? 0 : views.path("position").asLong();
                if (fifth < 0 && position >= stored / 5) {
                    fifth = position;
                    fifthAt = System.nanoTime();
                }
                if (views != null && !views.path("replaying").asBoolean() && views.path("lag").asLong() == 0
                        && position >= stored) {
                    break;
                }
            }
            long ended = System.nanoTime();
            double seconds = (ended - started) / 1e9;
            double wholeRate = stored / seconds;
            // a run too short to see a fifth before the end has no steady part: its whole-run rate stands for it
            double rebuildRate = fifth < 0 || fifth >= stored ? wholeRate
                    : (stored - fifth) / ((ended - fifthAt) / 1e9);
            result.put("events", stored);
            result.put("rebuildSeconds", Bench.round(seconds));
            result.put("rebuildEventsPerSecond", Bench.round(rebuildRate));
            result.put("rebuildWholeRunEventsPerSecond", Bench.round(wholeRate));
            result.put("sequentialReadEventsPerSecond", Bench.round(readRate));
            result.put("ratio", Bench.round(rebuildRate / readRate));
            System.out.printf("rebuild of case-views: %d events in %.1f s = %.0f events/s (%.0f after the first"
                    + " fifth) | sequential read %.0f events/s | ratio %.2f%n", stored, seconds, wholeRate,
                    rebuildRate, readRate, rebuildRate / readRate);
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
