package io.casetrail.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;

/**
 * case-service's event store, filled for the benchmarks that need many events: a few hundred cases opened through
 * the API (real events, as the service writes them), then copied in SQL under new case numbers until the store
 * holds the number asked for. The copies are events the projections handle like the originals.
 */
final class EventStore {

    static final String GAP_AWARE = "org.axonframework.eventhandling.GapAwareTrackingToken";

    private EventStore() {
    }

    /** Opens {@code cases} cases through case-service's API with 16 clients. */
    static void seed(BenchStack stack, int cases) throws InterruptedException {
        String token = TokenMinter.forTests().token("admin-seed").role(Roles.ORG_ADMIN).org("org-bench")
                .name("Seed").sign();
        AtomicInteger next = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            Thread thread = new Thread(() -> {
                int n;
                while ((n = next.getAndIncrement()) < cases) {
                    try {
                        var answer = stack.post("case-service", "/cases", token, """
                                {"orgUrl":"https://bench.okta.com","subject":"Seed %d","description":"A seeded case",\
                                "productArea":"SSO","priority":"P3","contactPreference":"EMAIL"}""".formatted(n));
                        if (answer.statusCode() != 201) {
                            throw new IllegalStateException("opening a case answered " + answer.statusCode());
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
    }

    /**
     * With case-service stopped: copies the stored events under new case numbers until at least {@code target}
     * events are stored, then moves every processor's token to the new head (the copies are not projected or
     * relayed unless a benchmark asks). Returns the number of events stored.
     */
    static long fill(BenchStack stack, long target) throws Exception {
        try (Connection db = stack.database("case-service", true); Statement sql = db.createStatement()) {
            long base = count(sql, "SELECT count(*) FROM domainevententry");
            long copies = Math.max(0, (target - base + base - 1) / base);
            long started = System.nanoTime();
            if (copies > 0) {
                sql.execute("INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier,"
                        + " metadata, payload, payloadrevision, payloadtype, timestamp)"
                        + " SELECT 'B' || k || '-' || e.aggregateidentifier, e.sequencenumber, e.type,"
                        + " gen_random_uuid()::text, e.metadata, convert_to(replace(convert_from(e.payload, 'UTF8'),"
                        + " '\"caseNumber\":\"', '\"caseNumber\":\"B' || k || '-'), 'UTF8'), e.payloadrevision,"
                        + " e.payloadtype, e.timestamp"
                        + " FROM generate_series(1, " + copies + ") k CROSS JOIN domainevententry e"
                        + " WHERE e.globalindex <= (SELECT max(globalindex) FROM domainevententry)"
                        + " ORDER BY k, e.globalindex");
            }
            sql.execute("ANALYZE domainevententry");
            long head = count(sql, "SELECT max(globalindex) FROM domainevententry");
            atHead(sql, head);
            long stored = count(sql, "SELECT count(*) FROM domainevententry");
            System.out.printf("event store: %d events (%d seeded, %d copies) in %.1f s%n", stored, base, copies,
                    (System.nanoTime() - started) / 1e9);
            return stored;
        }
    }

    /** Moves every processor's token to {@code index}. */
    static void atHead(Statement sql, long index) throws Exception {
        sql.executeUpdate("UPDATE tokenentry SET token = convert_to('{\"index\":" + index + ",\"gaps\":[]}', 'UTF8'),"
                + " tokentype = '" + GAP_AWARE + "'");
    }

    /** Moves one processor's token to {@code index}. */
    static void token(Statement sql, String processor, long index) throws Exception {
        sql.executeUpdate("UPDATE tokenentry SET token = convert_to('{\"index\":" + index + ",\"gaps\":[]}', 'UTF8'),"
                + " tokentype = '" + GAP_AWARE + "' WHERE processorname = '" + processor + "'");
    }

    static long count(Statement sql, String query) throws Exception {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
