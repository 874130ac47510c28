package io.casetrail.systemtests;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.casetrail.testing.PostgresDatabases;
import io.casetrail.testing.ServiceProcess;


/**
 * Casetrail as it runs for real: each service its own process ({@code java -jar <service>/target/quarkus-app/
 * quarkus-run.jar}) on its own PostgreSQL database ({@code casetrail_st_<service>} on 127.0.0.1:5432, created
 * afresh; reached through a {@link TcpProxy} so that a test can cut it off), one real Kafka broker in a process of
 * its own ({@link KafkaProcess}, so that it can be stopped and started again), and a real SMTP server (GreenMail) for
 * org-admin-service's mail. Tokens are verified with the test key pair of casetrail-testing. Logs go to
 * {@code system-tests/target/logs}. One stack serves every test of the JVM.
 *
 * <p>Where no PostgreSQL answers (a developer's machine without one), the services run on H2 files instead and the
 * tests that need to cut the database off are skipped; CI always has PostgreSQL.
 */
final class Stack implements AutoCloseable {

    /** The services the system tests run. */
    static final String[] SERVICES = {"case-service", "org-admin-service", "support-access-service", "log-service",
            "escalation-service"};

    /** The database key of each service ({@code casetrail.service-key}). */
    static final Map<String, String> KEYS = Map.of("case-service", "case", "org-admin-service", "orgadmin",
            "support-access-service", "access", "log-service", "log", "escalation-service", "escalation");

    /** log-service signs a checkpoint of its internal log every so many entries. */
    static final int CHECKPOINT_EVERY = 20;
    static final String PG_URL = System.getProperty("casetrail.system-tests.pg-url", "jdbc:postgresql://127.0.0.1:5432/");
    static final String PG_USER = System.getProperty("casetrail.system-tests.pg-user", "postgres");
    static final String PG_PASSWORD = System.getProperty("casetrail.system-tests.pg-password", "");

    private static Stack shared;

    private static final Path ROOT = Path.of(System.getProperty("casetrail.root", "..")).toAbsolutePath().normalize();
    private static final Path LOGS = ROOT.resolve("system-tests/target/logs");

    private final Path work;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final GreenMail mail;
    private final Map<String, TcpProxy> databases = new LinkedHashMap<>();
    private final boolean postgres;
    private final int kafkaPort = freePort();
    private final int kafkaControllerPort = freePort();
    private Process kafka;

    private Stack() throws IOException, InterruptedException {
        work = Files.createTempDirectory("casetrail-stack-");
        environment.putAll(ServiceProcess.testKeys(work.resolve("keys")));
        startKafka();
        environment.put("KAFKA_BOOTSTRAP_SERVERS", kafka());
        postgres = postgresAnswers();
        environment.put("CASETRAIL_KAFKA_PARTITIONS", "1");
        environment.put("CASETRAIL_INTERNAL_LOG_CHECKPOINT_EVERY_ENTRIES", String.valueOf(CHECKPOINT_EVERY));
        mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        environment.put("CASETRAIL_MAIL_PORT", String.valueOf(mail.getSmtp().getPort()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "stack-stop"));
    }

    /** The JVM's stack, started with the first call; stopped when the JVM exits. */
    static synchronized Stack shared() throws Exception {
        if (shared == null) {
            shared = start(SERVICES);
        }
        return shared;
    }

    /** Starts the named services and waits until every one is ready. */
    static Stack start(String... services) throws Exception {
        Stack stack = new Stack();
        for (String service : services) {
            stack.launch(service);
        }
        for (String service : services) {
            stack.awaitReady(service, Duration.ofSeconds(180));
        }
        return stack;
    }

    /** The SMTP server the services send to. */
    GreenMail mail() {
        return mail;
    }

    /** The messages with this subject that arrived in the address's mailbox (a message to several arrives in each). */
    List<MimeMessage> mailTo(String address, String subject) throws FolderException, MessagingException {
        GreenMailUser user = mail.getUserManager().getUserByEmail(address);
        List<MimeMessage> messages = new ArrayList<>();
        if (user != null) {
            for (StoredMessage stored : mail.getManagers().getImapHostManager().getInbox(user).getMessages()) {
                if (subject.equals(stored.getMimeMessage().getSubject())) {
                    messages.add(stored.getMimeMessage());
                }
            }
        }
        return messages;
    }

    /** Everything the services wrote to their logs so far. */
    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String service : processes.keySet()) {
            Path log = LOGS.resolve(service + ".log");
            if (Files.exists(log)) {
                all.append(Files.readString(log));
            }
        }
        return all.toString();
    }

    /** {@code http://127.0.0.1:<port>} of a running service. */
    String url(String service) {
        return "http://127.0.0.1:" + ports.get(service);
    }

    private void launch(String service) throws IOException {
        int port = ports.computeIfAbsent(service, s -> freePort());
        Map<String, String> env = new LinkedHashMap<>(environment);
        if (postgres) {
            TcpProxy proxy = databases.computeIfAbsent(service, s -> new TcpProxy(pgHost(), pgPort()));
            env.put("QUARKUS_PROFILE", "prod,pg");
            env.put("CASETRAIL_PG_BASE_URL", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/");
            env.put("CASETRAIL_PG_DATABASE", database(service));
            env.put("CASETRAIL_PG_USERNAME", PG_USER);
            env.put("CASETRAIL_PG_PASSWORD", PG_PASSWORD);
        }
        processes.put(service, ServiceProcess.launch(ROOT, service, port, env, work, LOGS,
                List.of("-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1")));
    }

    private void awaitReady(String service, Duration timeout) throws InterruptedException {
        ServiceProcess.awaitReady(service, processes.get(service), url(service), timeout);
    }

    /** Whether the services run on PostgreSQL (else H2 files). */
    boolean onPostgres() {
        return postgres;
    }

    /** The broker's {@code host:port}. */
    String kafka() {
        return "127.0.0.1:" + kafkaPort;
    }

    /** {@code kill -9} of a service: no shutdown hook, no flush, whatever was in flight is lost to the process. */
    void kill(String service) throws InterruptedException {
        Process process = processes.get(service);
        process.destroyForcibly();
        process.waitFor();
    }

    /** Stops a service as an operator would (SIGTERM, a clean shutdown). */
    void stop(String service) throws InterruptedException {
        Process process = processes.get(service);
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Starts a stopped or killed service again on the same port and database, and waits until it is ready. */
    void restart(String service) throws Exception {
        launch(service);
        awaitReady(service, Duration.ofSeconds(180));
    }

    /** The answer of the service's readiness check (0 when it does not answer). */
    int readiness(String service) throws InterruptedException {
        return ServiceProcess.readiness(url(service));
    }

    /** Stops the Kafka broker (SIGTERM: it shuts down as an operator would stop it). */
    synchronized void stopKafka() throws InterruptedException {
        kafka.destroy();
        if (!kafka.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            kafka.destroyForcibly().waitFor();
        }
    }

    /** Starts the Kafka broker on its data and port, and waits until it serves. */
    synchronized void startKafka() throws IOException, InterruptedException {
        Path log = Files.createDirectories(LOGS).resolve("kafka.log");
        long before = Files.exists(log) ? Files.size(log) : 0;
        kafka = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx512m", "-cp", System.getProperty("java.class.path"), KafkaProcess.class.getName(),
                work.resolve("kafka").toString(), String.valueOf(kafkaPort), String.valueOf(kafkaControllerPort)))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (!kafka.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited; see system-tests/target/logs/kafka.log");
            }
            if (Files.size(log) > before && Files.readString(log).substring((int) before).contains(KafkaProcess.READY)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the Kafka broker was not ready within 2 minutes");
    }

    /** Makes the service's database unreachable for it (open connections dropped, new ones refused). */
    void cutDatabase(String service) {
        databases.get(service).cut();
    }

    /** Makes the service's database reachable again. */
    void restoreDatabase(String service) {
        databases.get(service).restore();
    }

    /** A direct connection to the service's database (PostgreSQL only), bypassing the service. */
    java.sql.Connection sql(String service) throws java.sql.SQLException {
        return java.sql.DriverManager.getConnection(PG_URL + database(service), PG_USER, PG_PASSWORD);
    }

    private static String database(String service) {
        return "casetrail_st_" + KEYS.get(service);
    }

    private static boolean postgresAnswers() {
        try {
            PostgresDatabases.recreate(PG_URL, PG_USER, PG_PASSWORD,
                    java.util.Arrays.stream(SERVICES).map(Stack::database).toList());
            return true;
        } catch (java.sql.SQLException e) {
            if (Boolean.parseBoolean(System.getenv("CASETRAIL_SYSTEM_TESTS_REQUIRE_POSTGRES"))) {
                // CI: a run on H2 would skip the outage test and the store checks, and pass
                throw new IllegalStateException("System tests: PostgreSQL is required and does not answer at "
                        + PG_URL, e);
            }
            System.err.println("System tests: no PostgreSQL at " + PG_URL + " (" + e.getMessage()
                    + "); the services run on H2 files and the database-outage test is skipped");
            return false;
        }
    }

    private static String pgHost() {
        return URI.create(PG_URL.substring("jdbc:".length())).getHost();
    }

    private static int pgPort() {
        int port = URI.create(PG_URL.substring("jdbc:".length())).getPort();
        return port < 0 ? 5432 : port;
    }

    @Override
    public synchronized void close() {
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        processes.clear();
        mail.stop();
        databases.values().forEach(TcpProxy::close);
        if (kafka != null) {
            kafka.destroy();
            try {
                kafka.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            kafka.destroyForcibly();
        }
    }

    private static int freePort() {
        return ServiceProcess.freePort();
    }
}
