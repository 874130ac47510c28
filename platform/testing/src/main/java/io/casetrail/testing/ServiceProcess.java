package io.casetrail.testing;

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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A packaged Casetrail service run as a process of its own ({@code java -jar <service>/target/quarkus-app/
 * quarkus-run.jar}), as the system tests and the benchmarks run them: environment in, output appended to
 * {@code <logs>/<service>.log}, ready when {@code /q/health/ready} answers 200.
 */
public final class ServiceProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** util-linux's {@code setsid}: run by a process that leads no process group, it execs in place, no fork. */
    private static final String SETSID = "setsid";

    private ServiceProcess() {
    }

    /** The test key pairs of casetrail-testing, copied into {@code directory}; the variables that point to them. */
    public static Map<String, String> testKeys(Path directory) throws IOException {
        Path keys = Files.createDirectories(directory);
        for (String name : List.of("public.pem", "session-private.pem", "session-public.pem", "checkpoint-private.pem",
                "checkpoint-public.pem")) {
            try (InputStream in = ServiceProcess.class.getResourceAsStream("/casetrail-test-keys/" + name)) {
                if (in == null) {
                    throw new IllegalStateException("/casetrail-test-keys/" + name + " is not on the classpath");
                }
                Files.copy(in, keys.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return Map.of("CASETRAIL_JWT_PUBLIC_KEY", "file:" + keys.resolve("public.pem"),
                "CASETRAIL_ACCESS_SESSION_TOKEN_PRIVATE_KEY_LOCATION", "file:" + keys.resolve("session-private.pem"),
                "CASETRAIL_ACCESS_SESSION_TOKEN_PUBLIC_KEY_LOCATION", "file:" + keys.resolve("session-public.pem"),
                "CASETRAIL_INTERNAL_LOG_CHECKPOINT_PRIVATE_KEY_LOCATION", "file:" + keys.resolve(
                        "checkpoint-private.pem"),
                "CASETRAIL_INTERNAL_LOG_CHECKPOINT_PUBLIC_KEY_LOCATION", "file:" + keys.resolve(
                        "checkpoint-public.pem"));
    }

    /** Starts {@code service} from the checkout at {@code root} on {@code port}, in {@code workDir}. */
    public static Process launch(Path root, String service, int port, Map<String, String> environment, Path workDir,
                                 Path logs, List<String> jvmOptions) throws IOException {
        return launch(root, service, port, environment, workDir, logs, jvmOptions, false);
    }

    /**
     * Starts {@code service} as {@link #launch(Path, String, int, Map, Path, Path, List)} does; with {@code
     * ownSession}, in a session of its own ({@code setsid}, the process keeping its id), as a service runs in
     * production: on Linux with autogroup scheduling ({@code /proc/sys/kernel/sched_autogroup_enabled}) the CPU is
     * first shared between sessions, and a process started in this JVM's session shares one share with it (with a
     * benchmark's load generator and broker, say), where every PostgreSQL backend, which calls {@code setsid}, has
     * one of its own.
     */
    public static Process launch(Path root, String service, int port, Map<String, String> environment, Path workDir,
                                 Path logs, List<String> jvmOptions, boolean ownSession) throws IOException {
        Path jar = root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (mvn package)");
        }
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>();
        if (ownSession) {
            command.add(SETSID);
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(service + ".log").toFile()));
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        return builder.start();
    }

    /** Waits until the service at {@code baseUrl} is ready; fails early when its process exits. */
    public static void awaitReady(String service, Process process, String baseUrl, Duration timeout)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(service + " exited with " + process.exitValue() + "; see its log");
            }
            if (readiness(baseUrl) == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(service + " was not ready within " + timeout);
    }

    /** The answer of {@code /q/health/ready} (0 when nothing answers). */
    public static int readiness(String baseUrl) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A free port on the loopback interface, never one this JVM was given before: the system may hand out a port
     * again as soon as its probe socket closes, and two of a test's listeners (a broker's two, say) would then
     * share it.
     */
    public static int freePort() {
        synchronized (GIVEN_PORTS) {
            while (true) {
                try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                    if (GIVEN_PORTS.add(socket.getLocalPort())) {
                        return socket.getLocalPort();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    private static final Set<Integer> GIVEN_PORTS = new HashSet<>();
}
