package io.casetrail.cases.query;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Singleton;

import io.casetrail.events.CloudEvent;
import io.casetrail.platform.kafka.CloudEventConsumer;

/**
 * A test-only consumer of a topic of its own, whose "upgrade" the test decides: until {@link #UPGRADED}, it knows
 * only the catalogue's types, as a service that has not been upgraded yet.
 */
@Singleton
public class FutureTypeProbe implements CloudEventConsumer {

    public static final String TOPIC = "casetrail.test-probe.v1";
    public static final AtomicBoolean UPGRADED = new AtomicBoolean();
    /** The ids of the events applied, in order. */
    public static final List<String> APPLIED = new CopyOnWriteArrayList<>();
    /** The types it was asked about, in order: one per attempt at a record. */
    public static final List<String> ASKED = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return "test-probe";
    }

    @Override
    public Collection<String> topics() {
        return List.of(TOPIC);
    }

    @Override
    public boolean understands(String type) {
        ASKED.add(type);
        return UPGRADED.get() || CloudEventConsumer.super.understands(type);
    }

    @Override
    public void apply(CloudEvent event) {
        APPLIED.add(event.id());
    }
}
