package io.casetrail.platform.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;

import io.casetrail.events.CloudEvent;
import io.casetrail.events.EventJson;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.ClientProxy;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs every {@link CloudEventConsumer} of the service: one thread and one Kafka consumer each, offsets
 * committed only after the events' transactions committed.
 */
@Singleton
public class CloudEventConsumers {

    private static final Logger LOG = Logger.getLogger(CloudEventConsumers.class);
    /** The pause before a failed record's first retry; it doubles with each failure, up to the maximum. */
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    @Inject
    @Any
    Instance<CloudEventConsumer> consumers;

    @Inject
    KafkaSettings settings;

    @Inject
    TopicProvisioner topics;

    @Inject
    ConsumedEvents consumed;

    @Inject
    MeterRegistry metrics;

    @ConfigProperty(name = "casetrail.consumers.enabled", defaultValue = "true")
    boolean enabled;

    @ConfigProperty(name = "casetrail.consumers.max-backoff", defaultValue = "PT30S")
    Duration maxBackoff;

    private final List<Loop> loops = new ArrayList<>();

    void onStart(@Observes @Priority(200) StartupEvent event) {
        if (!enabled) {
            return;
        }
        for (CloudEventConsumer consumer : consumers) {
            Loop loop = new Loop((CloudEventConsumer) ClientProxy.unwrap(consumer));
            loops.add(loop);
            loop.thread.start();
        }
    }

    void onStop(@Observes @Priority(5) ShutdownEvent event) {
        loops.forEach(Loop::stop);
        loops.clear();
    }

    /** The consumer group id of a consumer: {@code <service>.<name>}. */
    public String groupId(CloudEventConsumer consumer) {
        return settings.applicationName() + "." + consumer.name();
    }

    private final class Loop implements Runnable {
        private final CloudEventConsumer consumer;
        private final String group;
        private final Thread thread;
        private final Counter applied;
        private final Counter duplicates;
        private final Counter transactions;
        /**
         * Records on the consumer's partitions not yet applied (those fetched and waiting included); NaN until the
         * consumer first knows where its partitions end (a 0 then would read as caught up).
         */
        private final AtomicReference<Double> lag = new AtomicReference<>(Double.NaN);
        private volatile boolean running = true;
        private volatile KafkaConsumer<String, byte[]> kafka;

        Loop(CloudEventConsumer consumer) {
            this.consumer = consumer;
            this.group = groupId(consumer);
            this.thread = new Thread(this, "consumer-" + consumer.name());
            this.applied = Counter.builder("casetrail.consumer.applied").tag("consumer", consumer.name())
                    .baseUnit("events").register(metrics);
            this.duplicates = Counter.builder("casetrail.consumer.duplicates").tag("consumer", consumer.name())
                    .baseUnit("events").register(metrics);
            // a poll's records are applied in one transaction; one at a time a poll's only record, an event the
            // consumer applies alone, and the records of a poll that could not be applied together
            this.transactions = Counter.builder("casetrail.consumer.transactions").tag("consumer", consumer.name())
                    .register(metrics);
            // how far the view it feeds is behind its topics: growing while it is stuck on a record, which its
            // counters (then still) do not tell from a quiet topic
            Gauge.builder("casetrail.consumer.lag", lag, AtomicReference::get).tag("consumer", consumer.name())
                    .baseUnit("records").register(metrics);
        }

        /** Whether records were applied and committed since the last failure (the consumer's own thread's). */
        private boolean committedSinceFailure;

        @Override
        public void run() {
            Duration backoff = FIRST_BACKOFF;
            while (running) {
                try {
                    topics.ensure(consumer.topics());
                    consumeUntilStopped();
                } catch (WakeupException e) {
                    if (running) {
                        LOG.warnf("Consumer %s woken up unexpectedly; restarting", group);
                    }
                } catch (RuntimeException | Error e) {
                    // a stack overflow in a handler, a class that failed to load, an assertion, too: the thread goes
                    // on, from the committed offsets, rather than leave the consumer stopped until the service
                    // restarts with nothing telling of it (memory running out ends the process instead:
                    // -XX:+ExitOnOutOfMemoryError, as the launcher and the images run the services)
                    if (!running) {
                        break;
                    }
                    if (committedSinceFailure) {
                        // the back-off is one stuck record's: records were applied since the last failure, so this
                        // one starts afresh rather than wait what failures long past added up to
                        backoff = FIRST_BACKOFF;
                        committedSinceFailure = false;
                    }
                    LOG.warnf("Consumer %s failed (%s); retrying in %d ms", group, e, backoff.toMillis());
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
                }
            }
        }

        /** Polls and applies until stopped; on a failure rethrows so that the loop re-subscribes from committed offsets. */
        private void consumeUntilStopped() {
            try (KafkaConsumer<String, byte[]> client = new KafkaConsumer<>(settings.consumer(group))) {
                kafka = client;
                client.subscribe(consumer.topics());
                while (running) {
                    ConsumerRecords<String, byte[]> records = client.poll(Duration.ofMillis(500));
                    backlog(client, records).ifPresent(waiting -> lag.set((double) waiting));
                    if (records.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        done.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                    List<Delivery> together = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> record : records) {
                        Delivery delivery = Delivery.of(record);
                        if (delivery.event() != null && consumer.appliesAlone(delivery.event())) {
                            apply(together);
                            together.clear();
                            apply(List.of(delivery));
                        } else {
                            together.add(delivery);
                        }
                    }
                    apply(together);
                    client.commitSync(done);
                    committedSinceFailure = true;
                    backlog(client, ConsumerRecords.empty()).ifPresent(waiting -> lag.set((double) waiting));
                }
            } finally {
                kafka = null;
            }
        }

        /**
         * The records of the assigned partitions not yet applied: those past the fetch position (as the client
         * knows the partitions' ends) and those fetched and not applied yet ({@code waiting}). None while the client
         * has no partitions or does not know where one ends yet (joining its group, after a restart): the gauge
         * keeps what it showed, rather than drop to 0 in the middle of a backlog.
         */
        private static OptionalLong backlog(KafkaConsumer<String, byte[]> client,
                                            ConsumerRecords<String, byte[]> waiting) {
            if (client.assignment().isEmpty()) {
                return OptionalLong.empty();
            }
            long total = 0;
            for (TopicPartition partition : client.assignment()) {
                OptionalLong behind = client.currentLag(partition);
                if (behind.isEmpty()) {
                    return OptionalLong.empty();
                }
                total += behind.getAsLong() + waiting.records(partition).size();
            }
            return OptionalLong.of(total);
        }

        /** Applies records in order: in one transaction, or one at a time when they cannot all be together. */
        private void apply(List<Delivery> deliveries) {
            if (appliedTogether(deliveries)) {
                return;
            }
            for (Delivery delivery : deliveries) {
                ConsumerRecord<String, byte[]> record = delivery.record();
                try {
                    applyOnce(delivery);
                } catch (RuntimeException | Error e) {
                    // where it is stuck, for the operator (operations.md, "when something is stuck")
                    throw new IllegalStateException("record " + record.topic() + "/" + record.partition() + "@"
                            + record.offset() + " not applied: " + e.getMessage(), e);
                }
            }
        }

        /**
         * Applies records of one poll in one transaction, each once (a copy within the batch too: its id is
         * recorded by then): a commit for the batch, not for each record, so that a backlog (a replay, a service
         * back from an outage) is worked through at the database's pace rather than at its commits'. {@code false},
         * with nothing applied, when a record is not a plain case (not a CloudEvent, of a type this version does not
         * know, or failing to apply): the caller then takes them one at a time, in a transaction each, to pass over
         * or stop at the one concerned.
         */
        private boolean appliedTogether(List<Delivery> deliveries) {
            if (deliveries.size() < 2) {
                return false;
            }
            int firsts;
            try {
                firsts = QuarkusTransaction.requiringNew().call(() -> {
                    int first = 0;
                    for (Delivery delivery : deliveries) {
                        CloudEvent event = delivery.event();
                        if (event == null || !consumer.understands(event.type())) {
                            throw new NotTogether();
                        }
                        if (consumed.firstDelivery(consumer.name(), event.id())) {
                            consumer.apply(event);
                            first++;
                        }
                    }
                    return first;
                });
            } catch (RuntimeException | Error e) {
                LOG.debugf("Consumer %s applies %d records one at a time (%s)", group, deliveries.size(), e);
                return false;
            }
            transactions.increment();
            applied.increment(firsts);
            duplicates.increment(deliveries.size() - firsts);
            return true;
        }

        private void applyOnce(Delivery delivery) {
            ConsumerRecord<String, byte[]> record = delivery.record();
            CloudEvent event = delivery.event();
            if (event == null) {
                // not ours to interpret; it can never become valid, so it is logged and passed over
                LOG.errorf("Consumer %s passes over %s", group, delivery.notAnEvent());
                return;
            }
            if (!consumer.understands(event.type())) {
                throw new IllegalStateException("event " + event.id() + " is of type " + event.type() + ", which this"
                        + " version of the service does not know: upgrade it; the consumer goes on from this event");
            }
            boolean first;
            try {
                first = QuarkusTransaction.requiringNew().call(() -> {
                    if (!consumed.firstDelivery(consumer.name(), event.id())) {
                        return false;
                    }
                    consumer.apply(event);
                    return true;
                });
            } catch (RuntimeException e) {
                if (failedToParse(e) && !EventJson.isJsonText(event.data())) {
                    // a value that is not JSON at all can never become valid either (and the failure was the
                    // consumer's reading it, not a database outage that a retry outlasts)
                    LOG.errorf("Consumer %s passes over %s-%d@%d: its value is not JSON (%s)", group, record.topic(),
                            record.partition(), record.offset(), e.toString());
                    return;
                }
                throw e;
            }
            transactions.increment();
            (first ? applied : duplicates).increment();
        }

        /** A record the batch does not take: the records are applied one at a time instead. */
        private static final class NotTogether extends RuntimeException {
            NotTogether() {
                super("a record that is no CloudEvent or of a type this version does not know", null, false, false);
            }
        }

        /**
         * A record and its CloudEvent, read from it once a poll ({@code null} with why, {@code notAnEvent}, when
         * the record is no CloudEvent).
         */
        private record Delivery(ConsumerRecord<String, byte[]> record, CloudEvent event, String notAnEvent) {

            static Delivery of(ConsumerRecord<String, byte[]> record) {
                try {
                    return new Delivery(record, CloudEventRecords.fromRecord(record), null);
                } catch (CloudEvent.NotACloudEvent e) {
                    return new Delivery(record, null, e.getMessage());
                }
            }
        }

        void stop() {
            running = false;
            KafkaConsumer<String, byte[]> client = kafka;
            if (client != null) {
                client.wakeup();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /**
         * Whether a failure was Jackson's reading a value (not, say, the database's): a parse error, or an input
         * that ended before any value (an empty one).
         */
        private static boolean failedToParse(Throwable failure) {
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                if (cause instanceof JsonProcessingException) {
                    return true;
                }
            }
            return false;
        }

        private void sleep(Duration duration) {
            try {
                Thread.sleep(duration.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
