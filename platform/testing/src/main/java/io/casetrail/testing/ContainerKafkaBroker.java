package io.casetrail.testing;

import org.testcontainers.kafka.KafkaContainer;

/** A Kafka broker in a Testcontainers container, used instead of the in-process one where Docker answers. */
final class ContainerKafkaBroker implements KafkaBroker {

    static final String IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;

    ContainerKafkaBroker() {
        container = new KafkaContainer(IMAGE);
        container.start();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public void close() {
        container.stop();
    }
}
