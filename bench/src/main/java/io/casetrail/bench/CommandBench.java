package io.casetrail.bench;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.casetrail.platform.security.Roles;
import io.casetrail.testing.TokenMinter;

/**
 * Command throughput and latency on case-service (PostgreSQL, relay to Kafka running) at 1, 16 and 64 concurrent
 * clients, each opening cases one after the other ({@code POST /cases}, answered once the events are committed);
 * against the same number of JDBC threads doing single-row insert-and-commit on the same database: the most
 * durable writes a second this machine's PostgreSQL takes. The service first takes five minutes of commands at the
 * largest client count ({@code -Dbench.commands.jit-warmup=300}), unmeasured, so that what is measured is a warm
 * service (their rate by 30 seconds is printed and kept: the warm-up curve); then each client count has its own
 * warm-up ({@code -Dbench.warmup}) and measured seconds.
 *
 * <p>Beside them, the floor of the HTTP path: the same clients reading one case ({@code GET /cases/{n}}: the same
 * HTTP server, JWT check, role and org checks and request log, one indexed read, no write, no event). What a read
 * costs, every command pays before it does any work of its own. Below that, the same clients asking the same server
 * for its liveness ({@code GET /q/health/live}: no token, no REST resource, no request log, no database): what the
 * HTTP server and these clients cost on this machine before an API request does anything.
 *
 * <p>Every client has an HTTP/1.1 connection of its own, kept alive, and sends its next request when its answer has
 * come. The clients are driven by two threads with a selector each ({@link NioHttp}, as wrk drives its connections),
 * not a thread each: 64 client threads would be 64 more threads waiting for one of the two cores the service runs
 * on, every answer timed only once its thread got one. {@code -Dbench.client-threads=0} gives each client a thread
 * of its own ({@link SocketHttp}), as until 2026-12-06; the cheapest command, which commits over JDBC, always does.
 */
final class CommandBench {

    /** Client counts, {@code -Dbench.clients=1,16,64} by default. */
    static final int[] CLIENTS = java.util.Arrays.stream(System.getProperty("bench.clients", "1,16,64").split(","))
            .map(String::trim).mapToInt(Integer::parseInt).toArray();

    /**
     * The threads driving the HTTP clients, each with a selector ({@link NioHttp}): {@code -Dbench.client-threads=2}
     * by default; 0 puts every client on a thread of its own.
     */
    static final int CLIENT_THREADS = Integer.getInteger("bench.client-threads", 2);

    /** The yardstick's row, and the cheapest command's: 600 bytes. */
    private static final String PAYLOAD = "x".repeat(600);

    private CommandBench() {
    }

    static void run(Path root, ObjectNode result) throws Exception {
        Duration warmup = Duration.ofSeconds(Long.getLong("bench.warmup", 5));
        Duration measure = Duration.ofSeconds(Long.getLong("bench.seconds", 20));
        Duration jitWarmup = Duration.ofSeconds(Long.getLong("bench.commands.jit-warmup", 300));
        result.put("jitWarmupSeconds", jitWarmup.toSeconds());
        result.put("warmupSeconds", warmup.toSeconds());
        result.put("measureSeconds", measure.toSeconds());
        result.put("clientThreads", CLIENT_THREADS);
        String token = TokenMinter.forTests().token("admin-bench").role(Roles.ORG_ADMIN).org("org-bench")
                .name("Bench").sign();
        ArrayNode rows = result.putArray("results");
        try (BenchStack stack = new BenchStack(root, "case-service")) {
            // a service that has been running: its JIT compiler done with the command path (at first it takes half
            // a core or more, and a command runs interpreted or barely compiled), as in production. Under 64 clients
            // on two cores the compiler competes with the load, and the rate keeps rising for minutes: the curve
            // shows whether the warm-up was long enough
            int most = java.util.Arrays.stream(CLIENTS).max().orElse(1);
            URI server = URI.create(stack.url("case-service"));
            ProcessHandle service = stack.process("case-service");
            List<Window> curve = new ArrayList<>();
            Load jit = load(service, server, token, most, Duration.ZERO, jitWarmup, curve, false);
            System.out.printf("JIT warm-up: %d commands from %d clients in %d s%n", jit.count, most,
                    jitWarmup.toSeconds());
            ArrayNode warmupCurve = result.putArray("jitWarmupCurve");
            for (Window window : curve) {
                System.out.printf(Locale.ROOT, "  commands/s in the warm-up's %3d s to %3d s: %8.1f%n",
                        window.fromSecond(), window.toSecond(), window.perSecond());
                ObjectNode point = warmupCurve.addObject();
                point.put("fromSecond", window.fromSecond());
                point.put("toSecond", window.toSecond());
                point.put("commandsPerSecond", Bench.round(window.perSecond()));
            }
            if (jit.lastCase() == null) {
                throw new IllegalStateException("the warm-up opened no case (" + jit.errors() + " errors): nothing to"
                        + " read; give -Dbench.commands.jit-warmup a few seconds at least");
            }
            Request read = new Request(SocketHttp.head("GET", "/cases/" + jit.lastCase(),
                    "Authorization: Bearer " + token + "\r\n", -1), null);
            createCommitTable(stack);
            for (int clients : CLIENTS) {
                Load load = load(service, server, token, clients, warmup, measure, null, true);
                Load reads = load(service, clients, warmup, measure,
                        http(server, new NioHttp.Exchange(n -> read, 200, null)), null, null);
                Load probes = load(service, clients, warmup, measure, http(server, LIVENESS_EXCHANGE), null, null);
                Load cheapest = load(service, clients, warmup, measure,
                        threads(c -> probeAndCommit(stack, server)), null, null);
                Commits jdbc = commits(stack, clients, warmup, measure);
                double commitRate = jdbc.perSecond();
                ObjectNode row = rows.addObject();
                row.put("clients", clients);
                row.put("commandsPerSecond", Bench.round(load.perSecond(measure)));
                row.put("p50Ms", Bench.round(load.latencies.percentileMs(50)));
                row.put("p99Ms", Bench.round(load.latencies.percentileMs(99)));
                row.put("errors", load.errors);
                row.put("jdbcCommitsPerSecond", Bench.round(commitRate));
                row.put("jdbcP50Ms", Bench.round(jdbc.latencies().percentileMs(50)));
                row.put("jdbcP99Ms", Bench.round(jdbc.latencies().percentileMs(99)));
                row.put("ratio", Bench.round(load.perSecond(measure) / commitRate));
                row.put("readsPerSecond", Bench.round(reads.perSecond(measure)));
                row.put("readP99Ms", Bench.round(reads.latencies.percentileMs(99)));
                row.put("readErrors", reads.errors);
                row.put("readRatio", Bench.round(reads.perSecond(measure) / commitRate));
                put(row, "liveness", probes, measure, commitRate);
                put(row, "probeAndCommit", cheapest, measure, commitRate);
                ObjectNode cpu = row.putObject("machineCpuBusy");
                cpu.put("commands", Bench.round(load.cpuBusy));
                cpu.put("reads", Bench.round(reads.cpuBusy));
                cpu.put("liveness", Bench.round(probes.cpuBusy));
                cpu.put("probeAndCommit", Bench.round(cheapest.cpuBusy));
                cpu.put("jdbcCommits", Bench.round(jdbc.cpuBusy()));
                put(row.putObject("cpuMsPerCommand"), load.cpu);
                put(row.putObject("cpuMsPerRead"), reads.cpu);
                put(row.putObject("cpuMsPerJdbcCommit"), jdbc.cpu());
                put(row.putObject("commandTimeInService"), load.inService, load.latencies);
                System.out.printf(Locale.ROOT, "%3d clients: %8.1f commands/s  p50 %6.2f ms  p99 %7.2f ms  errors %d"
                                + " | JDBC insert+commit %8.1f/s (p50 %.2f ms, p99 %.2f ms) | ratio %.2f%n", clients,
                        load.perSecond(measure), load.latencies.percentileMs(50), load.latencies.percentileMs(99),
                        load.errors, commitRate, jdbc.latencies().percentileMs(50),
                        jdbc.latencies().percentileMs(99), load.perSecond(measure) / commitRate);
                System.out.printf(Locale.ROOT, "             reads of one case %8.1f/s (ratio %.2f, p99 %.2f ms) |"
                                + " liveness probes %8.1f/s (ratio %.2f, p99 %.2f ms) | probe+commit %8.1f/s (ratio"
                                + " %.2f, p99 %.2f ms)%n",
                        reads.perSecond(measure), reads.perSecond(measure) / commitRate,
                        reads.latencies.percentileMs(99), probes.perSecond(measure),
                        probes.perSecond(measure) / commitRate, probes.latencies.percentileMs(99),
                        cheapest.perSecond(measure), cheapest.perSecond(measure) / commitRate,
                        cheapest.latencies.percentileMs(99));
                System.out.printf(Locale.ROOT, "             machine CPU busy: commands %.2f, reads %.2f, liveness"
                                + " %.2f, probe+commit %.2f, JDBC %.2f%n", load.cpuBusy, reads.cpuBusy,
                        probes.cpuBusy, cheapest.cpuBusy, jdbc.cpuBusy());
                System.out.printf(Locale.ROOT, "             CPU ms per command: case-service %.3f, PostgreSQL %.3f,"
                                + " bench JVM %.3f, all %.3f | per read: %.3f, %.3f, %.3f, %.3f | per JDBC commit:"
                                + " %.3f, %.3f, %.3f, %.3f%n",
                        load.cpu.serviceMs(), load.cpu.databaseMs(), load.cpu.benchMs(), load.cpu.totalMs(),
                        reads.cpu.serviceMs(), reads.cpu.databaseMs(), reads.cpu.benchMs(), reads.cpu.totalMs(),
                        jdbc.cpu().serviceMs(), jdbc.cpu().databaseMs(), jdbc.cpu().benchMs(), jdbc.cpu().totalMs());
                ServiceTime.Spent spent = load.inService;
                System.out.printf(Locale.ROOT, "             a command's time: measured by its client %.2f ms"
                                + " (mean), in case-service %.2f, of which waiting in its lane %.2f (p99 <= %.0f),"
                                + " its group %.2f a group (p99 <= %.0f, %.1f commands a group)%n",
                        load.latencies.meanMs(), spent.requestMeanMs(), spent.waitMeanMs(), spent.waitP99AtMostMs(),
                        spent.groupMeanMs(), spent.groupP99AtMostMs(), spent.commandsPerGroup());
            }
        }
    }

    /** CPU milliseconds a unit cost: {@code caseService}, {@code postgresql}, {@code benchJvm} and {@code all}. */
    private static void put(ObjectNode cpu, ProcessCpu.PerUnit perUnit) {
        cpu.put("caseService", Bench.round(perUnit.serviceMs(), 3));
        cpu.put("postgresql", Bench.round(perUnit.databaseMs(), 3));
        cpu.put("benchJvm", Bench.round(perUnit.benchMs(), 3));
        cpu.put("all", Bench.round(perUnit.totalMs(), 3));
    }

    /**
     * Where the commands' time went: their clients' mean, the service's mean from the request's start to its answer,
     * and within that the lanes' (the wait for a group, mean and the bucket bound its p99 is under; a group's time,
     * the same; commands a group).
     */
    private static void put(ObjectNode time, ServiceTime.Spent spent, Latencies latencies) {
        putKnown(time, "clientMeanMs", latencies.meanMs());
        putKnown(time, "requestMeanMs", spent.requestMeanMs());
        putKnown(time, "laneWaitMeanMs", spent.waitMeanMs());
        putKnown(time, "laneWaitP99AtMostMs", spent.waitP99AtMostMs());
        putKnown(time, "groupMeanMs", spent.groupMeanMs());
        putKnown(time, "groupP99AtMostMs", spent.groupP99AtMostMs());
        putKnown(time, "commandsPerGroup", spent.commandsPerGroup());
    }

    /** A figure rounded, or null where it is not known (NaN). */
    private static void putKnown(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) {
            node.putNull(name);
        } else {
            node.put(name, Bench.round(value));
        }
    }

    /** {@code <name>PerSecond}, {@code <name>P99Ms}, {@code <name>Errors} and {@code <name>Ratio} of a load. */
    private static void put(ObjectNode row, String name, Load load, Duration measure, double commitRate) {
        row.put(name + "PerSecond", Bench.round(load.perSecond(measure)));
        row.put(name + "P99Ms", Bench.round(load.latencies.percentileMs(99)));
        row.put(name + "Errors", load.errors);
        row.put(name + "Ratio", Bench.round(load.perSecond(measure) / commitRate));
    }

    /**
     * What a run of requests gave; {@code lastCase}, the number of a case a command opened (null for others);
     * {@code cpu}, what a unit answered within the measured seconds cost each process in CPU; {@code inService},
     * where the commands' time went in case-service (null for other requests).
     */
    record Load(long count, long errors, Latencies latencies, String lastCase, double cpuBusy,
                ProcessCpu.PerUnit cpu, ServiceTime.Spent inService) {

        double perSecond(Duration measure) {
            return count / (double) measure.toMillis() * 1000;
        }
    }

    /** One client's way of doing one unit of work; true when it was answered as expected. */
    interface Client extends AutoCloseable {

        boolean send(String n) throws Exception;

        @Override
        default void close() throws Exception {
        }
    }

    /** The server's liveness: no token, no REST resource, no request log, no database. */
    private static final Request LIVENESS = new Request(SocketHttp.head("GET", "/q/health/live", "", -1), null);

    /** The server's liveness asked, answered 200. */
    private static final NioHttp.Exchange LIVENESS_EXCHANGE = new NioHttp.Exchange(n -> LIVENESS, 200, null);

    /** A request as written on the wire: its head and its body (null for none). */
    record Request(byte[] head, byte[] body) {
    }

    /**
     * Customers opening cases; their rate by {@link #WINDOW} goes to {@code curve} unless it is null, and where their
     * time went in the service is read if {@code timeInService}.
     */
    private static Load load(ProcessHandle service, URI server, String token, int clients, Duration warmup,
                             Duration measure, List<Window> curve, boolean timeInService) throws InterruptedException {
        AtomicReference<String> lastCase = new AtomicReference<>();
        String headers = "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n";
        Load load = load(service, clients, warmup, measure, http(server, new NioHttp.Exchange(n -> {
            byte[] body = """
                    {"orgUrl":"https://bench.okta.com","subject":"Bench %s","description":"A case \
                    opened by the command benchmark","productArea":"SSO","priority":"P3",\
                    "contactPreference":"EMAIL"}""".formatted(n).getBytes(StandardCharsets.UTF_8);
            return new Request(SocketHttp.head("POST", "/cases", headers, body.length), body);
        }, 201, lastCase)), curve, timeInService ? server : null);
        return new Load(load.count, load.errors, load.latencies, lastCase.get(), load.cpuBusy, load.cpu,
                load.inService);
    }

    /**
     * Clients of HTTP requests: driven by {@link #CLIENT_THREADS} threads with a selector each ({@link NioHttp}), or,
     * with {@code -Dbench.client-threads=0}, each on a thread of its own ({@link SocketHttp}).
     */
    private static Drivers http(URI server, NioHttp.Exchange exchange) {
        if (CLIENT_THREADS > 0) {
            InetSocketAddress address = new InetSocketAddress(server.getHost(), server.getPort());
            return (clients, tally) -> NioHttp.start(address, clients, CLIENT_THREADS, exchange, tally.end,
                    tally::answered);
        }
        return threads(c -> connection(server, exchange));
    }

    /** A client on a connection of its own ({@link SocketHttp}), used by one thread. */
    private static Client connection(URI server, NioHttp.Exchange exchange) {
        SocketHttp connection = new SocketHttp(server);
        return new Client() {
            @Override
            public boolean send(String n) throws Exception {
                Request sent = exchange.request().apply(n);
                return exchange.expected(connection.exchange(sent.head(), sent.body()));
            }

            @Override
            public void close() {
                connection.close();
            }
        };
    }

    /**
     * The cheapest command conceivable on this machine: the server's liveness asked over HTTP, then one row inserted
     * and committed on the case-service database, by the same client, one after the other.
     */
    private static Client probeAndCommit(BenchStack stack, URI server) {
        Client probe = connection(server, LIVENESS_EXCHANGE);
        return new Client() {
            private Connection connection;
            private PreparedStatement insert;

            @Override
            public boolean send(String n) throws Exception {
                if (!probe.send(n)) {
                    return false;
                }
                if (connection == null) {
                    connection = stack.database("case-service", false);
                    insert = connection.prepareStatement("INSERT INTO bench_commit (payload) VALUES (?)");
                }
                insert.setString(1, PAYLOAD);
                insert.executeUpdate();
                connection.commit();
                return true;
            }

            @Override
            public void close() throws Exception {
                probe.close();
                if (connection != null) {
                    connection.close();
                }
            }
        };
    }

    /** The units answered a second from {@code fromSecond} to {@code toSecond} of a load's measured seconds. */
    record Window(long fromSecond, long toSecond, double perSecond) {
    }

    /** The windows of a load's rate in its curve. */
    static final Duration WINDOW = Duration.ofSeconds(30);

    /** What starts a load's clients, each sending until the tally's end, and gives the threads that run them. */
    interface Drivers {
        List<Thread> start(int clients, Tally tally);
    }

    /** {@code clients} threads, each with its own {@link Client}, sending {@code "<client>-<n>"} one after the other. */
    private static Drivers threads(IntFunction<Client> newClient) {
        return (clients, tally) -> {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                Thread thread = new Thread(() -> {
                    try (Client sender = newClient.apply(client)) {
                        int n = 0;
                        while (System.nanoTime() < tally.end) {
                            String unit = client + "-" + n++;
                            long sent = System.nanoTime();
                            boolean ok;
                            try {
                                ok = sender.send(unit);
                            } catch (Exception e) {
                                ok = false;
                            }
                            tally.answered(sent, System.nanoTime(), ok);
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, "client-" + c);
                thread.start();
                threads.add(thread);
            }
            return threads;
        };
    }

    /**
     * A load's outcomes. Every unit sent within the measured seconds is timed or counted an error, whenever its
     * answer comes (a stall past the window, or a timeout, is among them); the rate counts those answered within.
     */
    static final class Tally {
        final long measureFrom;
        final long end;
        final AtomicLong count = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final Latencies latencies = new Latencies();
        /** By second of the measured time (-Dbench.by-second=true): a second lock taken per answer, so only if asked. */
        final Latencies[] bySecond;

        Tally(long measureFrom, long end, int seconds) {
            this.measureFrom = measureFrom;
            this.end = end;
            this.bySecond = Boolean.getBoolean("bench.by-second") ? new Latencies[Math.max(1, seconds)] : null;
            if (bySecond != null) {
                java.util.Arrays.setAll(bySecond, s -> new Latencies());
            }
        }

        void answered(long sent, long answered, boolean ok) {
            if (sent < measureFrom) { // a warm-up's (a unit sent just past the end, between its check and its send,
                return;               // still counts: its answer is timed, not counted in the rate)
            }
            if (!ok) {
                errors.incrementAndGet();
                return;
            }
            latencies.add(answered - sent);
            if (bySecond != null) {
                bySecond[(int) Math.min(bySecond.length - 1, (sent - measureFrom) / 1_000_000_000L)]
                        .add(answered - sent);
            }
            if (answered <= end) {
                count.incrementAndGet();
            }
        }
    }

    /**
     * A load: {@code clients} clients started by {@code drivers}, their warm-up and measured seconds; the machine's
     * CPU use is read over the measured seconds, the rate by {@link #WINDOW} goes to {@code curve} unless it is null,
     * and where the commands' time went in the service at {@code server} unless it is null.
     */
    private static Load load(ProcessHandle service, int clients, Duration warmup, Duration measure,
                             Drivers drivers, List<Window> curve, URI server) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        Tally tally = new Tally(measureFrom, end, (int) measure.toSeconds());
        List<Thread> threads = drivers.start(clients, tally);
        MachineCpu.Reading from = MachineCpu.readAt(measureFrom);
        ProcessCpu.Reading fromCpu = ProcessCpu.read(service);
        ServiceTime.Reading fromTime = server == null ? null : ServiceTime.read(server);
        if (curve != null) {
            long counted = 0;
            for (long at = measureFrom + WINDOW.toNanos(); at <= end; at += WINDOW.toNanos()) {
                Bench.sleepUntil(at);
                long now = tally.count.get();
                long toSecond = Duration.ofNanos(at - measureFrom).toSeconds();
                curve.add(new Window(toSecond - WINDOW.toSeconds(), toSecond,
                        (now - counted) / (double) WINDOW.toSeconds()));
                counted = now;
            }
        }
        MachineCpu.Reading to = MachineCpu.readAt(end);
        ProcessCpu.Reading toCpu = ProcessCpu.read(service);
        ServiceTime.Spent inService = server == null ? null : ServiceTime.read(server).since(fromTime);
        for (Thread thread : threads) {
            thread.join();
        }
        if (tally.bySecond != null) {
            for (int second = 0; second < tally.bySecond.length; second++) {
                Latencies in = tally.bySecond[second];
                System.out.printf(Locale.ROOT, "    second %3d: %6d sent, p50 %6.2f ms, p99 %7.2f ms, max %7.2f ms%n",
                        second, in.count(), in.percentileMs(50), in.percentileMs(99), in.percentileMs(100));
            }
        }
        return new Load(tally.count.get(), tally.errors.get(), tally.latencies, null, to.busySince(from),
                toCpu.perUnitSince(fromCpu, tally.count.get()), inService);
    }

    /**
     * The JDBC yardstick's answer: insert-and-commits a second, how long each took (from the insert's send to the
     * commit's answer), how busy the machine was meanwhile and what a commit cost each process in CPU.
     */
    record Commits(double perSecond, Latencies latencies, double cpuBusy, ProcessCpu.PerUnit cpu) {
    }

    /** Single-row insert-and-commit on the case-service database by {@code threads} JDBC connections. */
    static Commits commits(BenchStack stack, int threads, Duration warmup, Duration measure) throws Exception {
        ProcessHandle service = stack.process("case-service");
        createCommitTable(stack);
        long measureFrom = System.nanoTime() + Math.min(warmup.toNanos(), Duration.ofSeconds(2).toNanos());
        long end = measureFrom + Math.min(measure.toNanos(), Duration.ofSeconds(10).toNanos());
        AtomicLong count = new AtomicLong();
        Latencies latencies = new Latencies();
        // each connection stays open until the processes' CPU has been read: its PostgreSQL backend ends with it, and
        // what a backend used is read from the backend
        CountDownLatch cpuRead = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try (Connection connection = stack.database("case-service", false);
                     PreparedStatement insert = connection.prepareStatement(
                             "INSERT INTO bench_commit (payload) VALUES (?)")) {
                    long sent;
                    while ((sent = System.nanoTime()) < end) {
                        insert.setString(1, PAYLOAD);
                        insert.executeUpdate();
                        connection.commit();
                        long committed = System.nanoTime();
                        if (committed >= measureFrom) {
                            count.incrementAndGet();
                            latencies.add(committed - sent);
                        }
                    }
                    cpuRead.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "jdbc-" + t);
            worker.start();
            workers.add(worker);
        }
        MachineCpu.Reading from = MachineCpu.readAt(measureFrom);
        ProcessCpu.Reading fromCpu = ProcessCpu.read(service);
        MachineCpu.Reading to = MachineCpu.readAt(end);
        long counted = count.get(); // the commits of the CPU's window
        ProcessCpu.Reading toCpu = ProcessCpu.read(service);
        cpuRead.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        return new Commits(count.get() / (double) (end - measureFrom) * 1_000_000_000, latencies, to.busySince(from),
                toCpu.perUnitSince(fromCpu, counted));
    }

    private static void createCommitTable(BenchStack stack) throws Exception {
        try (Connection ddl = stack.database("case-service", true); Statement sql = ddl.createStatement()) {
            sql.execute("CREATE TABLE IF NOT EXISTS bench_commit (id BIGSERIAL PRIMARY KEY, created_at TIMESTAMPTZ"
                    + " NOT NULL DEFAULT now(), payload TEXT NOT NULL)");
        }
    }
}
