package io.streamtrain.support.kafka;

import io.streamtrain.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Creates the pipeline's topics when they do not exist: compacted where the contract says so, with the given
 * number of partitions for the train batch topic and one partition elsewhere (ordering of end-of-data markers).
 */
public final class TopicAdmin {

    /** The largest message the ingest topic accepts. */
    public static final int INGEST_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;
    /** The largest sync message: the producers' max.request.size, about 1.5 million parameters in base64 JSON. */
    public static final int SYNC_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    private TopicAdmin() {
    }

    public static void ensureTopics(String bootstrapServers, int trainPartitions) {
        ensureTopics(new KafkaSettings(bootstrapServers), trainPartitions);
    }

    public static void ensureTopics(KafkaSettings kafka, int trainPartitions) {
        try (Admin admin = Admin.create(kafka.admin("streamtrain-topic-admin"))) {
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
                } else if (topic.name().equals(Topics.SYNC)) {
                    // A contribution carries a whole parameter vector (base64), up to the producers' request size.
                    created.configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(SYNC_MAX_MESSAGE_BYTES)));
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
            throw new IllegalStateException("cannot create topics on " + kafka.bootstrapServers() + ": " + e.getCause(),
                    e);
        }
    }

    /**
     * Adds partitions to the train batch topic until it has at least {@code partitions} (a group of that many
     * trainers can then all work); returns the count it has now. Partitions are never removed.
     */
    public static int ensureTrainPartitions(KafkaSettings kafka, int partitions) {
        try (Admin admin = Admin.create(kafka.admin("streamtrain-topic-admin"))) {
            int current = admin.describeTopics(List.of(Topics.BATCHES_TRAIN)).allTopicNames().get()
                    .get(Topics.BATCHES_TRAIN).partitions().size();
            if (current >= partitions) {
                return current;
            }
            admin.createPartitions(Map.of(Topics.BATCHES_TRAIN, NewPartitions.increaseTo(partitions))).all().get();
            return partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding partitions", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot add partitions to " + Topics.BATCHES_TRAIN + ": " + e.getCause(),
                    e);
        }
    }
}
