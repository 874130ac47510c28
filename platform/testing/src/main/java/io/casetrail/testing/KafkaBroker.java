package io.casetrail.testing;

/** A running Kafka broker that tests and the local launcher talk to. */
public interface KafkaBroker extends AutoCloseable {

    /** {@code host:port} for {@code bootstrap.servers}. */
    String bootstrapServers();

    @Override
    void close();
}
