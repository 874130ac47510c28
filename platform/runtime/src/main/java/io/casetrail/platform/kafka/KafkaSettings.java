package io.casetrail.platform.kafka;

import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.smallrye.common.annotation.Identifier;

/**
 * Client settings for the relay and the consumers: every {@code kafka.*} property of the service (as collected
 * by quarkus-kafka-client) plus the guarantees Casetrail depends on, which configuration cannot weaken.
 */
@Singleton
public class KafkaSettings {

    private final Map<String, Object> common;
    private final String applicationName;

    @Inject
    public KafkaSettings(@Identifier("default-kafka-broker") Map<String, Object> common,
                         @ConfigProperty(name = "quarkus.application.name") String applicationName) {
        this.common = common;
        this.applicationName = applicationName;
    }

    /** The service's name, used for the CloudEvents source and consumer group ids. */
    public String applicationName() {
        return applicationName;
    }

    public Map<String, Object> admin() {
        Map<String, Object> config = new HashMap<>(common);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return config;
    }

    /** Idempotent producer, acks from all in-sync replicas, order kept per partition across retries. */
    public Map<String, Object> producer() {
        Map<String, Object> config = admin();
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        config.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, applicationName + "-relay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return config;
    }

    /** Manual offset commits after the projection's transaction, committed reads only, from the beginning. */
    public Map<String, Object> consumer(String groupId) {
        Map<String, Object> config = admin();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, groupId + "-" + Long.toHexString(System.nanoTime()));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a group without offsets (new, renamed, or its offsets expired while the service was down) reads every
        // event: "latest" would pass over all before it for good, "none" stop the consumer
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return config;
    }
}
