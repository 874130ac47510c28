package io.casetrail.bench;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;

/**
 * Command throughput and latency on case-service (PostgreSQL, relay to Kafka running) at 1, 16 and 64 concurrent
 * clients, each opening cases one after the other ({@code POST /cases}, answered once the events are committed);
 * against the same number of JDBC threads doing single-row insert-and-commit on the same database: the most
 * durable writes a second this machine's PostgreSQL takes. The service first takes a minute of commands at the
 * largest client count ({@code -Dbench.commands.jit-warmup=60}), unmeasured, so that what is measured is a warm
 * service; then each client count has its own warm-up ({@code -Dbench.warmup}) and measured seconds.
 *
 * <p>Beside them, the floor of the HTTP path: the same clients reading one case ({@code GET /cases/{n}}: the same
 * HTTP server, JWT check, role and org checks and request log, one indexed read, no write, no event). What a read
 * costs, every command pays before it does any work of its own.
 */
final class CommandBench {

    /** Client counts, {@code -Dbench.clients=1,16,64} by default. */
    static final int[] CLIENTS = java.util.Arrays.stream(System.getProperty("bench.clients", "1,16,64").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();

    private CommandBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
        Duration measure = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
        Duration jitWarmup = Duration.ofSeconds(Long.getLong("bench.commands.jit-warmup", 60));
        result.put("jitWarmupSeconds", jitWarmup.toSeconds());
        result.put("warmupSeconds", warmup.toSeconds());
        result.put("measureSeconds", measure.toSeconds());
        String token = TokenMinter.forTests().token("admin-bench").role(Roles.ORG_ADMIN).org("org-bench")
                .name("Bench").sign();
        ArrayNode rows = result.putArray("results");
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            // a service that has been running: its JIT compiler done with the command path (at first it takes half
            // a core or more, and a command runs interpreted or barely compiled), as in production
            int most = java.util.Arrays.stream(CLIENTS).max().orElse(1);
            Load jit = load(stack, token, most, Duration.ZERO, jitWarmup);
            System.out.printf("JIT warm-up: %d commands from %d clients in %d s%n", jit.count, most,
                    jitWarmup.toSeconds());
            if (jit.lastCase() == null) {
                throw new IllegalStateException("the warm-up opened no case (" + jit.errors() + " errors): nothing to"
                        + " read; give -Dbench.commands.jit-warmup a few seconds at least");
            }
            URI aCase = URI.create(stack.url("case-service") + "/cases/" + jit.lastCase());
            for (int clients : CLIENTS) {
                Load load = load(stack, token, clients, warmup, measure);
                Load reads = load(clients, warmup, measure, n -> HttpRequest.newBuilder(aCase)
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build(), 200);
                double jdbc = commits(stack, clients, warmup, measure);
                ObjectNode row = rows.addObject();
                row.put("clients", clients);
                row.put("commandsPerSecond", Bench.round(load.count / (double) measure.toMillis() * 1000));
                row.put("p50Ms", Bench.round(load.latencies.percentileMs(50)));
                row.put("p99Ms", Bench.round(load.latencies.percentileMs(99)));
                row.put("errors", load.errors);
                row.put("jdbcCommitsPerSecond", Bench.round(jdbc));
                row.put("ratio", Bench.round(load.count / (double) measure.toMillis() * 1000 / jdbc));
                row.put("readsPerSecond", Bench.round(reads.count / (double) measure.toMillis() * 1000));
                row.put("readP99Ms", Bench.round(reads.latencies.percentileMs(99)));
                row.put("readErrors", reads.errors);
                row.put("readRatio", Bench.round(reads.count / (double) measure.toMillis() * 1000 / jdbc));
                System.out.printf("%3d clients: %8.1f commands/s  p50 %6.2f ms  p99 %7.2f ms  errors %d | JDBC"
                                + " insert+commit %8.1f/s | ratio %.2f | reads %8.1f/s (ratio %.2f)%n", clients,
                        row.get("commandsPerSecond").asDouble(), row.get("p50Ms").asDouble(),
                        row.get("p99Ms").asDouble(), load.errors, jdbc, row.get("ratio").asDouble(),
                        row.get("readsPerSecond").asDouble(), row.get("readRatio").asDouble());
            }
        }
    }

    /** What a run of requests gave; {@code lastCase}, the number of a case a command opened (null for reads). */
    record Load(long count, long errors, Latencies latencies, String lastCase) {
    }

    /** Customers opening cases. */
    private static Load load(BenchStack stack, String token, int clients, Duration warmup, Duration measure)
            throws InterruptedException {
        URI cases = URI.create(stack.url("case-service") + "/cases");
        return load(clients, warmup, measure, n -> HttpRequest.newBuilder(cases)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString("""
                        {"orgUrl":"https://bench.okta.com","subject":"Bench %s","description":"A case \
                        opened by the command benchmark","productArea":"SSO","priority":"P3",\
                        "contactPreference":"EMAIL"}""".formatted(n))).build(), 201);
    }

    /**
     * {@code clients} threads sending {@code request("<client>-<n>")} one after the other, each answer expected
     * with {@code status}. Every request sent within the measured seconds is timed or counted an error, whenever its
     * answer comes (a stall past the window, or a timeout, is among them); the rate counts those answered within.
     */
    private static Load load(int clients, Duration warmup, Duration measure,
                             Function<String, HttpRequest> request, int status)
            throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        AtomicLong count = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        Latencies latencies = new Latencies();
        AtomicReference<String> lastCase = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread thread = new Thread(() -> {
                int n = 0;
                while (System.nanoTime() < end) {
                    HttpRequest sending = request.apply(client + "-" + n++);
                    long sent = System.nanoTime();
                    boolean ok;
                    try {
                        HttpResponse<Void> answer = BenchStack.http().send(sending,
                                HttpResponse.BodyHandlers.discarding());
                        ok = answer.statusCode() == status;
                        answer.headers().firstValue("Location")
                                .ifPresent(location -> lastCase.set(location.replaceAll(".*/", "")));
                    } catch (Exception e) {
                        ok = false;
                    }
                    long answered = System.nanoTime();
                    if (sent >= measureFrom) { // and before end: nothing is sent after it
                        if (!ok) {
                            errors.incrementAndGet();
                        } else {
                            latencies.add(answered - sent);
                            if (answered <= end) {
                                count.incrementAndGet();
                            }
                        }
                    }
                }
            }, "client-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return new Load(count.get(), errors.get(), latencies, lastCase.get());
    }

    /** Single-row insert-and-commit on the case-service database by {@code threads} JDBC connections; per second. */
    static double commits(BenchStack stack, int threads, Duration warmup, Duration measure) throws Exception {
        try (Connection ddl = stack.database("case-service", true); Statement sql = ddl.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS bench_commit (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ"
                    + " NOT NULL DEFAULT now(), payload TEXT NOT NULL)");
        }
        String payload = "x".repeat(600);
        long measureFrom = System.nanoTime() + Math.min(warmup.toNanos(), Duration.ofSeconds(2).toNanos());
        long end = measureFrom + Math.min(measure.toNanos(), Duration.ofSeconds(10).toNanos());
        AtomicLong count = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Connection connection = stack.database("case-service", false);
                     PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO bench_commit (payload) VALUES (?)")) {
                    while (System.nanoTime() < end) {
                        insert.setString(1, payload);
                        insert.executeUpdate();
                        connection.commit();
                        if (System.nanoTime() >= measureFrom) {
                            count.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "jdbc-" + t);
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) {
            worker.join();
        }
        return count.get() / (double) (end - measureFrom) * 1_000_000_000;
    }
}
