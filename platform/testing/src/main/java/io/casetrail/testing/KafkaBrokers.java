package io.casetrail.testing;

import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

/**
 * The one Kafka broker of a test JVM, shared by all its tests and stopped when the JVM exits.
 *
 * <p>System property {@code casetrail.test.kafka}: {@code auto} (default) uses Testcontainers when a Docker
 * engine answers and the in-process KRaft broker otherwise; {@code in-process} and {@code testcontainers} force
 * one.
 */
public final class KafkaBrokers {

    private static final Logger LOG = Logger.getLogger(KafkaBrokers.class);
    private static KafkaBroker shared;

    private KafkaBrokers() {
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            long start = System.nanoTime();
            shared = useContainers() ? new ContainerKafkaBroker() : InProcessKafkaBroker.temporary();
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "kafka-test-broker-stop"));
            LOG.infof("Kafka test broker (%s) up at %s in %d ms", broker.getClass().getSimpleName(),
                    broker.bootstrapServers(), (System.nanoTime() - start) / 1_000_000);
        }
        return shared;
    }

    private static boolean useContainers() {
        String choice = System.getProperty("casetrail.test.kafka", "auto");
        return switch (choice) {
            case "in-process" -> false;
            case "testcontainers" -> true;
            default -> dockerAnswers();
        };
    }

    private static boolean dockerAnswers() {
        // Asking Testcontainers costs seconds of probing and log noise; only ask when there is a socket to try.
        boolean candidate = System.getenv("DOCKER_HOST") != null || Files.exists(Path.of("/var/run/docker.sock"));
        if (!candidate) {
            return false;
        }
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
