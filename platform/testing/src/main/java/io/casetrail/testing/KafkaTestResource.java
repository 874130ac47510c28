package io.casetrail.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} application at the JVM's shared real Kafka broker ({@link KafkaBrokers}).
 * Declare it once per module with {@code @QuarkusTestResource(KafkaTestResource.class)}: the resource is global,
 * so every test class shares one application start and one broker.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", KafkaBrokers.shared().bootstrapServers());
    }

    @Override
    public void stop() {
        // the broker outlives the application: other test classes of this JVM use it (closed at JVM exit)
    }
}
