package io.casetrail.platform.kafka;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates the topics a service produces to or consumes from, when they do not exist yet: partitions and
 * replication factor from configuration, retention forever (the topics are the audit trail).
 */
@Singleton
public class TopicProvisioner {

    private final KafkaSettings settings;
    private final int partitions;
    private final short replicationFactor;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    @Inject
    public TopicProvisioner(KafkaSettings settings,
                            @ConfigProperty(name = "casetrail.kafka.partitions", defaultValue = "3") int partitions,
                            @ConfigProperty(name = "casetrail.kafka.replication-factor", defaultValue = "1")
                            short replicationFactor) {
        this.settings = settings;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * What a topic is created with: retention forever (the topics are the audit trail) and, with more than one
     * replica, acknowledgement by a majority of them ({@code min.insync.replicas}): an acks=all record the relay
     * counts as sent (and moves its token past) is then on more than one broker, so one broker's lost disk loses
     * nothing. With one replica there is no majority to ask for.
     */
    static Map<String, String> topicConfigs(short replicationFactor) {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.RETENTION_MS_CONFIG, "-1");
        if (replicationFactor > 1) {
            configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(replicationFactor / 2 + 1));
        }
        return configs;
    }

    /** Makes sure the topics exist; throws when the broker cannot be reached (callers retry). */
    public void ensure(Collection<String> topics) {
        List<String> missing = topics.stream().filter(t -> !known.contains(t)).toList();
        if (missing.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(settings.admin())) {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> create = missing.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, partitions, replicationFactor).configs(topicConfigs(replicationFactor)))
                    .toList();
            if (!create.isEmpty()) {
                try {
                    admin.createTopics(create).all().get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            known.addAll(missing);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while provisioning topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not provision topics " + missing + ": " + e, e);
        }
    }
}
