package io.casetrail.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.casetrail.testing.InProcessKafkaBroker;
import io.casetrail.testing.PostgresDatabases;
import io.casetrail.testing.ServiceProcess;

/**
 * What a benchmark runs against: one real Kafka broker, the services it names as processes (production profile on
 * PostgreSQL, databases {@code casetrail_bench_<service>} created afresh), logs in {@code bench/target/logs}.
 */
final class BenchStack implements AutoCloseable {

    static final Map<String, String> KEYS = Map.of("case-service", "case", "org-admin-service", "orgadmin",
            "support-access-service", "access", "log-service", "log", "escalation-service", "escalation");
    static final String PG_URL = System.getProperty("bench.pg-url", "jdbc:postgresql://127.0.0.1:5432/");
    static final String PG_USER = System.getProperty("bench.pg-user", "postgres");
    static final String PG_PASSWORD = System.getProperty("bench.pg-password", "");

    // HTTP/1.1, one connection per concurrent client, as front ends and integrations call the APIs (the JDK client
    // would otherwise multiplex every client over one HTTP/2 connection and one event-loop thread)
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * The settings every benchmark runs the services with beyond their production defaults. The System Log's rate
     * limit (120 requests an org a minute) is lifted: the end-to-end benchmark polls as fast as entries may appear,
     * to measure when an entry is readable, not how often a client may ask.
     */
    static final Map<String, String> SETTINGS = Map.of("CASETRAIL_SYSTEM_LOG_RATE_LIMIT_PER_MINUTE", "100000000");

    /**
     * Whether each service runs in a session of its own ({@code -Dbench.service-session=own}, the default), as
     * under a service manager, or in the benchmark's ({@code shared}): with autogroup scheduling the CPU is shared
     * between sessions first, and a service in the benchmark's session would share one share with the load
     * generator and the broker, where each PostgreSQL backend has one of its own.
     */
    static final boolean OWN_SESSION = switch (System.getProperty("bench.service-session", "own")) {
        case "own" -> true;
        case "shared" -> false;
        default -> throw new IllegalArgumentException("-Dbench.service-session is own or shared");
    };

    private final Path root;
    private final Path work;
    private final InProcessKafkaBroker kafka;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    BenchStack(Path root, String... services) throws Exception {
        this.root = root;
        this.work = Files.createTempDirectory("casetrail-bench-");
        this.kafka = InProcessKafkaBroker.temporary();
        environment.putAll(ServiceProcess.testKeys(work.resolve("keys")));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        environment.put("QUARKUS_PROFILE", "prod,pg");
        environment.put("CASETRAIL_PG_BASE_URL", PG_URL);
        environment.put("CASETRAIL_PG_USERNAME", PG_USER);
        environment.put("CASETRAIL_PG_PASSWORD", PG_PASSWORD);
        environment.putAll(SETTINGS);
        // -Dbench.env.NAME=value sets NAME for the services (to measure a setting, e.g. CASETRAIL_AXON_BATCH_SIZE)
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("bench.env."))
                .forEach(name -> environment.put(name.substring("bench.env.".length()), System.getProperty(name)));
        for (String service : services) {
            recreateDatabase(service);
            start(service);
        }
    }

    String kafka() {
        return kafka.bootstrapServers();
    }

    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    /** Starts (or starts again) a service and waits until it is ready. */
    void start(String service) throws Exception {
        int port = ports.computeIfAbsent(service, s -> ServiceProcess.freePort());
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.put("CASETRAIL_PG_DATABASE", database(service));
        Process process = ServiceProcess.launch(root, service, port, env, work, root.resolve("bench/target/logs"),
                List.of("-Xms256m", "-Xmx1g"), OWN_SESSION);
        processes.put(service, process);
        ServiceProcess.awaitReady(service, process, url(service), Duration.ofMinutes(3));
    }

    /** The running process of a service. */
    ProcessHandle process(String service) {
        return processes.get(service).toHandle();
    }

    /** Starts a service not started before, on its database created afresh, and waits until it is ready. */
    void startAfresh(String service) throws Exception {
        recreateDatabase(service);
        start(service);
    }

    /** Stops a service cleanly. */
    void stop(String service) throws InterruptedException {
        Process process = processes.remove(service);
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** A connection to the service's database. */
    Connection database(String service, boolean autoCommit) throws SQLException {
        Connection connection = DriverManager.getConnection(PG_URL + database(service), PG_USER, PG_PASSWORD);
        connection.setAutoCommit(autoCommit);
        return connection;
    }

    /** GET of a service path with a bearer token; the body (fails on a non-2xx answer). */
    String get(String service, String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url(service) + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    /** POST of a JSON body; the answer. */
    HttpResponse<String> post(String service, String path, String token, String json)
            throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(service) + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpClient http() {
        return HTTP;
    }

    static String database(String service) {
        return "casetrail_bench_" + KEYS.get(service);
    }

    private static void recreateDatabase(String service) throws SQLException {
        PostgresDatabases.recreate(PG_URL, PG_USER, PG_PASSWORD, List.of(database(service)));
    }

    @Override
    public void close() {
        for (String service : List.copyOf(processes.keySet())) {
            try {
                stop(service);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kafka.close();
    }
}
