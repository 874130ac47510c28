package io.casetrail.devstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.casetrail.testing.InProcessKafkaBroker;

/**
 * The Kafka broker of {@code ./casetrail up}: a real single-node KRaft broker whose data stays in a local folder
 * between runs. Runs until the process is stopped (SIGTERM / Ctrl-C), then shuts down cleanly.
 *
 * <p>Usage: {@code LocalKafka <data-dir> [port] [controller-port]} (defaults 9092, 9093).
 */
public final class LocalKafka {

    private LocalKafka() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: LocalKafka <data-dir> [port] [controller-port]");
            System.exit(2);
        }
        Path dataDir = Path.of(args[0]);
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9092;
        int controllerPort = args.length > 2 ? Integer.parseInt(args[2]) : 9093;
        InProcessKafkaBroker broker = InProcessKafkaBroker.persistent(dataDir, port, controllerPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "local-kafka-stop"));
        System.out.println("Kafka broker ready at " + broker.bootstrapServers() + " (data in " + dataDir + ")");
        stopped.await();
    }
}
