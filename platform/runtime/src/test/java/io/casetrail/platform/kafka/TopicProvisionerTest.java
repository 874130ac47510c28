package io.casetrail.platform.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Topics keep events forever and, replicated, are acknowledged by a majority of their replicas. */
class TopicProvisionerTest {

    @Test
    void aReplicatedTopicAsksAMajorityOfItsReplicasForEachRecord() {
        assertThat(TopicProvisioner.topicConfigs((short) 1)).isEqualTo(Map.of("retention.ms", "-1"));
        assertThat(TopicProvisioner.topicConfigs((short) 2)).containsEntry("min.insync.replicas", "2");
        assertThat(TopicProvisioner.topicConfigs((short) 3)).isEqualTo(Map.of("retention.ms", "-1",
                "min.insync.replicas", "2"));
        assertThat(TopicProvisioner.topicConfigs((short) 5)).containsEntry("min.insync.replicas", "3");
    }
}
