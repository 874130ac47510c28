package io.casetrail.systemtests;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.casetrail.testing.InProcessKafkaBroker;

/**
 * The system tests' Kafka broker as a process of its own, so that a test can stop it and start it again on the same
 * data and port: {@code KafkaProcess <data-dir> <port> <controller-port>}. Prints {@value #READY} once it serves.
 */
public final class KafkaProcess {

    static final String READY = "kafka-process-ready";

    private KafkaProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        InProcessKafkaBroker broker = InProcessKafkaBroker.persistent(Path.of(args[0]), Integer.parseInt(args[1]),
                Integer.parseInt(args[2]));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "kafka-process-stop"));
        System.out.println(READY + " " + broker.bootstrapServers());
        stopped.await();
    }
}
