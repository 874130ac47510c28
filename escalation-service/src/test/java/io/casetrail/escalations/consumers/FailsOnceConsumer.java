package io.casetrail.escalations.consumers;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.inject.Singleton;

import io.casetrail.events.CloudEvent;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * A consumer of the tests' own topic that fails the first time it meets each event type with an {@link Error} (an
 * assertion here; a stack overflow or a class that failed to load in production), outside the transaction that would
 * wrap it, and takes it the second time.
 */
@Singleton // no client proxy: the test reads its fields
public class FailsOnceConsumer implements CloudEventConsumer {

    static final String TOPIC = "casetrail.test-fails-once.v1";

    final Set<String> failed = ConcurrentHashMap.newKeySet();
    final List<String> applied = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "test-fails-once";
    }

    @Override
    public Collection<String> topics() {
        return List.of(TOPIC);
    }

    @Override
    public boolean understands(String type) {
        if (failed.add(type)) {
            throw new AssertionError("fails once: " + type);
        }
        return true;
    }

    @Override
    public void apply(CloudEvent event) {
        applied.add(event.id());
    }
}
