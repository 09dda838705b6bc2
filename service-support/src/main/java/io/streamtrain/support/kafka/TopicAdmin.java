package io.streamtrain.support.kafka;

import io.streamtrain.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the pipeline's topics when they do not exist: compacted where the contract says so, with the given
 * number of partitions for the train batch topic and one partition elsewhere (ordering of end-of-data markers).
 */
public final class TopicAdmin {

    /** The largest message the ingest topic accepts. */
    public static final int INGEST_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private TopicAdmin() {
    }

    public static void ensureTopics(String bootstrapServers, int trainPartitions) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (Topics.TopicDefinition topic : Topics.ALL) {
                if (existing.contains(topic.name())) {
                    continue;
                }
                int partitions = topic.name().equals(Topics.BATCHES_TRAIN) ? trainPartitions : 1;
                NewTopic created = new NewTopic(topic.name(), partitions, (short) -1);
                if (topic.compacted()) {
                    created.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                } else if (topic.name().equals(Topics.INGEST)) {
                    // Oversized records should reach ingest and be dead-lettered as TOO_LARGE, not bounce.
                    created.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(INGEST_MAX_MESSAGE_BYTES)));
                }
                missing.add(created);
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics on " + bootstrapServers + ": " + e.getCause(), e);
        }
    }
}
