package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.errors.TimeoutException;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.axonframework.serialization.json.JacksonSerializer;
import org.junit.jupiter.api.Test;

import io.casetrail.events.Actor;
import io.casetrail.events.cases.CaseAssigned;
import io.casetrail.events.cases.CaseStatus;
import io.casetrail.testing.InProcessKafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The relay when the broker goes away: a record the producer could not deliver before its delivery timeout holds no
 * sequence number, so without more the producer would deliver the records sent after it (each its own producer
 * batch, with a later timeout) if the broker came back in between; the relay, sending everything again from the
 * failed one, would then have put a later event of an aggregate on its partition ahead of an earlier one. The relay
 * abandons its producer at the first failure instead: what was sent after the failed record fails with it at once.
 */
class RelayFailureOrderTest {

    private static final String TOPIC = "casetrail.relay-order-test.v1";
    private static final String CASE = "00777001";

    @Test
    void aSendThatFailsTakesTheSendsBehindItWithIt() throws Exception {
        InProcessKafkaBroker broker = InProcessKafkaBroker.temporary();
        // a record per producer batch: a relay batch of a few hundred events fills several, each with its own
        // delivery timeout (records in one producer batch expire together)
        KafkaRelay relay = relay(broker, "relay-order-test", Map.of("delivery.timeout.ms", 8_000,
                "request.timeout.ms", 2_000, "batch.size", 1));
        try {
            publish(relay, 0).get(30, TimeUnit.SECONDS); // the topic exists and its partition is known
            broker.close();
            Future<?> first = publish(relay, 1);
            Thread.sleep(4_000);
            Future<?> later = publish(relay, 2); // its own delivery timeout is four seconds after the first's

            assertThatThrownBy(() -> first.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            // the later record fails with it, not four seconds later on its own timeout
            assertThatThrownBy(() -> later.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isNotInstanceOf(TimeoutException.class);
        } finally {
            relay.closeProducer();
        }
    }

    /**
     * A relay batch does not go out through a new producer while the batch before it went out on one abandoned since
     * (a failure of its own, or of another segment's batch on the same producer): its records failed, and the new
     * batch's would reach Kafka ahead of them. It fails at once; the processor sends both again from the stored
     * token. The batch after that goes out through a new producer.
     */
    @Test
    void aBatchAfterOneWhoseProducerFailedFailsRatherThanOvertakeIt() throws Exception {
        InProcessKafkaBroker broker = InProcessKafkaBroker.temporary();
        KafkaRelay relay = relay(broker, "relay-order-test-2", Map.of("delivery.timeout.ms", 3_000,
                "request.timeout.ms", 1_000, "max.block.ms", 1_000));
        try {
            publish(relay, 0).get(30, TimeUnit.SECONDS);
            broker.close();
            Future<?> failed = publish(relay, 1);
            assertThatThrownBy(() -> failed.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

            assertThatThrownBy(() -> publish(relay, 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sent again, in order");
            // sent again from before the failed batch, through a new producer (which waits for the broker)
            assertThatCode(() -> publish(relay, 1)).doesNotThrowAnyException();
        } finally {
            relay.closeProducer();
        }
    }

    /** A relay on the broker, its producer with {@code settings} besides these. */
    private static KafkaRelay relay(InProcessKafkaBroker broker, String name, Map<String, Object> settings) {
        Map<String, Object> client = new HashMap<>(settings);
        client.put("bootstrap.servers", broker.bootstrapServers());
        client.put("linger.ms", 0);
        // the topic's partitions stay known while the broker is away (by default the client forgets them after a
        // while, and a send then waits for them instead of queueing: the same race, harder to set up)
        client.put("metadata.recovery.strategy", "none");
        KafkaSettings kafka = new KafkaSettings(client, name);
        KafkaRelay relay = new KafkaRelay(kafka, new TopicProvisioner(kafka, 1, (short) 1), new SimpleMeterRegistry(),
                TOPIC);
        relay.bind(JacksonSerializer.defaultSerializer());
        return relay;
    }

    /** One relay batch of one event of the case, at {@code sequence}; its send. */
    private static Future<?> publish(KafkaRelay relay, long sequence) {
        DefaultUnitOfWork<?> batch = DefaultUnitOfWork.startAndGet(null);
        try {
            relay.publish(new GenericDomainEventMessage<>("SupportCase", CASE, sequence, new CaseAssigned(CASE,
                    "org-order", "tse-" + sequence, null, CaseStatus.OPEN, new Actor("lead-lu", "Lu",
                    Actor.Kind.SUPPORT, "team-lead"))));
            return relay.of(batch).get(0);
        } finally {
            batch.commit();
        }
    }
}
