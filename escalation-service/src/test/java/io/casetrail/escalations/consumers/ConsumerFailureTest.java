package io.casetrail.escalations.consumers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.casetrail.events.CloudEvent;
import io.casetrail.platform.kafka.CloudEventRecords;
import io.casetrail.testing.KafkaTestResource;
import io.casetrail.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A consumer failing with an Error does not stop: the event is applied on its retry, and the next one too. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class ConsumerFailureTest {

    @Inject
    FailsOnceConsumer consumer;

    @Test
    void anEventWhoseHandlerFailedWithAnErrorIsAppliedOnItsRetry() {
        for (int i = 0; i < 2; i++) {
            String id = UUID.randomUUID().toString();
            String type = "io.casetrail.test.probe-" + id + ".v1";
            TopicReader.send(CloudEventRecords.toRecord(FailsOnceConsumer.TOPIC, new CloudEvent(id, "/casetrail/test",
                    type, Instant.now(), "probe", null, null, null, null, id, "{}".getBytes(StandardCharsets.UTF_8))));
            await().atMost(Duration.ofSeconds(30)).until(() -> consumer.applied.contains(id));
        }
        // each applied once, after the one failure each met
        assertThat(consumer.applied).doesNotHaveDuplicates().hasSize(2);
    }

    /**
     * The back-off between retries is one stuck record's: eight records in turn, each failing once, are each
     * retried after the first pause, not after the pauses the failures before added up to (the seventh would wait
     * the 30 s maximum).
     */
    @Test
    void eachFailedRecordIsRetriedAfterTheFirstPauseNotAfterItsPredecessors() {
        for (int i = 0; i < 8; i++) {
            String id = UUID.randomUUID().toString();
            String type = "io.casetrail.test.probe-" + id + ".v1";
            TopicReader.send(CloudEventRecords.toRecord(FailsOnceConsumer.TOPIC, new CloudEvent(id, "/casetrail/test",
                    type, Instant.now(), "probe", null, null, null, null, id, "{}".getBytes(StandardCharsets.UTF_8))));
            await().atMost(Duration.ofSeconds(6)).until(() -> consumer.applied.contains(id));
        }
    }
}
