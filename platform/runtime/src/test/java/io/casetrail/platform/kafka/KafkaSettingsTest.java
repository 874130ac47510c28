package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

/** What configuration may not change in the consumers' settings. */
class KafkaSettingsTest {

    /**
     * A group without offsets reads every event, whatever {@code kafka.auto.offset.reset} says: "latest" would pass
     * over all events before it for good, "none" stop the consumer.
     */
    @Test
    void aGroupWithoutOffsetsAlwaysStartsFromTheBeginning() {
        for (String reset : new String[] {"latest", "none"}) {
            KafkaSettings settings = new KafkaSettings(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true), "case-service");
            Map<String, Object> consumer = settings.consumer("case-service.timeline");
            assertThat(consumer).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
                    .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                    .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
    }
}
