package io.casetrail.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code bench/run <benchmark>}: runs one benchmark (or {@code all}) against this machine, prints its figures and
 * writes them with the machine's description to {@code bench/results/<benchmark>.json}; {@code plots} draws
 * {@code docs/benchmarks/*.svg} from the results.
 */
public final class Bench {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final List<String> ALL = List.of("commands", "relay", "end-to-end", "rebuild", "queries",
            "replay");

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: bench/run <" + String.join("|", ALL) + "|all|plots>");
            System.exit(2);
        }
        Path root = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
        List<String> names = args[0].equals("all") ? ALL : List.of(args[0]);
        for (String name : names) {
            if (name.equals("plots")) {
                Plots.draw(root.resolve("bench/results"), root.resolve("docs/benchmarks"));
                continue;
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("benchmark", name);
            StringBuilder command = new StringBuilder("bench/run " + name);
            // as it was typed, but a password (the results are committed)
            System.getProperties().stringPropertyNames().stream().filter(p -> p.startsWith("bench.")
                    && !p.equals("bench.root")).sorted().forEach(p -> command.append(" -D").append(p).append('=')
                    .append(p.equals("bench.pg-password") ? "***" : System.getProperty(p)));
            result.put("command", command.toString());
            result.put("startedAt", Instant.now().toString());
            result.set("machine", machine());
            result.set("code", code(root));
            // every setting the services ran with beyond their production defaults: the stack's own, then the run's
            ObjectNode settings = result.putObject("serviceSettings");
            BenchStack.SETTINGS.forEach(settings::put);
            System.getProperties().stringPropertyNames().stream().filter(p -> p.startsWith("bench.env.")).sorted()
                    .forEach(p -> settings.put(p.substring("bench.env.".length()), System.getProperty(p)));
            System.out.println("== " + name);
            switch (name) {
                case "commands" -> CommandBench.run(root, result);
                case "relay" -> RelayBench.run(root, result);
                case "end-to-end" -> EndToEndBench.run(root, result);
                case "rebuild" -> RebuildBench.run(root, result);
                case "queries" -> QueryBench.run(root, result);
                case "replay" -> ReplayBench.run(root, result);
                default -> {
                    System.err.println("unknown benchmark " + name + "; one of " + ALL);
                    System.exit(2);
                }
            }
            result.put("finishedAt", Instant.now().toString());
            Path file = Files.createDirectories(root.resolve("bench/results")).resolve(name + ".json");
            JSON.writeValue(file.toFile(), result);
            System.out.println("written to " + root.relativize(file));
        }
        System.exit(0);
    }

    /** Cores, memory, Java, OS and PostgreSQL of this machine. */
    static ObjectNode machine() {
        ObjectNode machine = JSON.createObjectNode();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            machine.put("memoryGiB", Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024)));
        }
        machine.put("cpu", cpuModel());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        // 1: the CPU is shared between sessions first (every PostgreSQL backend is a session of its own)
        try {
            machine.put("schedAutogroup", Files.readString(Path.of("/proc/sys/kernel/sched_autogroup_enabled"))
                    .trim());
        } catch (IOException | RuntimeException e) {
            machine.put("schedAutogroup", "unknown");
        }
        try (Connection pg = DriverManager.getConnection(BenchStack.PG_URL + "postgres", BenchStack.PG_USER,
                BenchStack.PG_PASSWORD); Statement sql = pg.createStatement();
             ResultSet version = sql.executeQuery("SHOW server_version")) {
            version.next();
            machine.put("postgres", version.getString(1));
            // what durability and housekeeping the database runs with: the yardsticks' figures depend on them
            ObjectNode settings = machine.putObject("postgresSettings");
            for (String setting : List.of("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes",
                    "autovacuum", "shared_buffers", "max_connections")) {
                try (ResultSet value = sql.executeQuery("SHOW " + setting)) {
                    value.next();
                    settings.put(setting, value.getString(1));
                }
            }
        } catch (Exception e) {
            machine.put("postgres", "unreachable: " + e.getMessage());
        }
        return machine;
    }

    /**
     * The commit the benchmark ran on, and whether the checkout had changes beyond it (results of benchmarks run
     * before it, under bench/results, are not changes to what runs).
     */
    static ObjectNode code(Path root) {
        ObjectNode code = JSON.createObjectNode();
        code.put("commit", git(root, "rev-parse", "HEAD"));
        String changes = git(root, "status", "--porcelain", "--untracked-files=no", "--", ".",
                ":(exclude)bench/results");
        code.put("uncommittedChanges", changes == null ? null : !changes.isEmpty());
        return code;
    }

    private static String git(Path root, String... arguments) {
        try {
            List<String> command = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
            command.addAll(List.of(arguments));
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .trim();
            return git.waitFor() == 0 ? out : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Sleeps until {@code nanoTime} ({@link System#nanoTime()}); returns at once when it has passed. */
    static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    static double round(double value) {
        return round(value, 2);
    }

    /** {@code value} to {@code decimals} places. */
    static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
