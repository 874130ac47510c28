package io.casetrail.systemtests;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.casetrail.testing.KafkaBrokers;

/**
 * Casetrail as it runs for real: each service its own process ({@code java -jar <service>/target/quarkus-app/
 * quarkus-run.jar}) on its own database (H2 files in a temporary folder), all on the JVM's one real Kafka broker,
 * with a real SMTP server (GreenMail) for org-admin-service's mail. Tokens are verified with the test key pair of
 * casetrail-testing. Logs go to {@code system-tests/target/logs}. One stack serves every test of the JVM.
 */
final class Stack implements AutoCloseable {

    /** The services the system tests run. */
    static final String[] SERVICES = {"case-service", "org-admin-service", "support-access-service", "log-service",
            "escalation-service"};

    private static Stack shared;

    private static final Path ROOT = Path.of(System.getProperty("casetrail.root", "..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path work;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final GreenMail mail;

    private Stack() throws IOException {
        work = Files.createTempDirectory("casetrail-stack-");
        Path keys = Files.createDirectories(work.resolve("keys"));
        copy("/casetrail-test-keys/public.pem", keys.resolve("public.pem"));
        copy("/casetrail-test-keys/session-private.pem", keys.resolve("session-private.pem"));
        copy("/casetrail-test-keys/session-public.pem", keys.resolve("session-public.pem"));
        copy("/casetrail-test-keys/checkpoint-private.pem", keys.resolve("checkpoint-private.pem"));
        copy("/casetrail-test-keys/checkpoint-public.pem", keys.resolve("checkpoint-public.pem"));
        environment.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBrokers.shared().bootstrapServers());
        environment.put("CASETRAIL_DATA_DIR", work.resolve("data").toString());
        environment.put("CASETRAIL_JWT_PUBLIC_KEY", "file:" + keys.resolve("public.pem"));
        environment.put("CASETRAIL_ACCESS_SESSION_TOKEN_PRIVATE_KEY_LOCATION", "file:" + keys.resolve(
                "session-private.pem"));
        environment.put("CASETRAIL_ACCESS_SESSION_TOKEN_PUBLIC_KEY_LOCATION", "file:" + keys.resolve(
                "session-public.pem"));
        environment.put("CASETRAIL_INTERNAL_LOG_CHECKPOINT_PRIVATE_KEY_LOCATION", "file:" + keys.resolve(
                "checkpoint-private.pem"));
        environment.put("CASETRAIL_INTERNAL_LOG_CHECKPOINT_PUBLIC_KEY_LOCATION", "file:" + keys.resolve(
                "checkpoint-public.pem"));
        environment.put("CASETRAIL_KAFKA_PARTITIONS", "1");
        mail = new GreenMail(new ServerSetup(freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        environment.put("QUARKUS_MAILER_PORT", String.valueOf(mail.getSmtp().getPort()));
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

    /** Everything the services wrote to their logs so far. */
    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String service : processes.keySet()) {
            Path log = ROOT.resolve("system-tests/target/logs").resolve(service + ".log");
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
        Path jar = ROOT.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn package)");
        }
        int port = ports.computeIfAbsent(service, s -> freePort());
        Path logs = Files.createDirectories(ROOT.resolve("system-tests/target/logs"));
        ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()))
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service + ".log").toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        processes.put(service, builder.start());
    }

    private void awaitReady(String service, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Process process = processes.get(service);
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited with " + process.exitValue()
                        + "; see system-tests/target/logs/" + service + ".log");
            }
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url(service)
                        + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(service + " was not ready within " + timeout);
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
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = Stack.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            Files.copy(in, target);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
