package io.streamtrain.support.kafka;

import io.streamtrain.contracts.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How the pipeline's topics must be made. In: the number of trainers that share the train batch topic. Out: one
 * {@link Topic} per topic of {@link Topics#ALL}: the train batch topic with a partition per trainer, every other
 * topic with one partition (end-of-data markers and sync rounds keep one order), compacted where the contract says
 * so, with the broker's default retention, and larger messages on the ingest and sync topics; and, given what a
 * broker has, what is wrong with it.
 */
public final class TopicLayout {

    private TopicLayout() {
    }

    /** A topic as it must be: partitions (at least, for the train batch topic; exactly, elsewhere) and settings. */
    public record Topic(String name, int partitions, boolean compacted, Map<String, String> configs) {

        public String cleanupPolicy() {
            return compacted ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE;
        }

        /** The topic to create. */
        public NewTopic newTopic() {
            return new NewTopic(name, partitions, (short) -1).configs(configs);
        }

        /** What is wrong with the topic a broker has (nothing: an empty list). */
        public List<String> problemsWith(TopicSurvey.Existing existing) {
            List<String> problems = new ArrayList<>();
            if (name.equals(Topics.BATCHES_TRAIN) && existing.partitions() < partitions) {
                problems.add(name + " has " + existing.partitions() + " partitions, " + partitions
                        + " trainers need " + partitions);
            } else if (!name.equals(Topics.BATCHES_TRAIN) && existing.partitions() != partitions) {
                problems.add(name + " has " + existing.partitions() + " partitions, it must have " + partitions);
            }
            boolean isCompacted = existing.cleanupPolicy().contains(TopicConfig.CLEANUP_POLICY_COMPACT);
            if (compacted && !isCompacted) {
                problems.add(name + " is not compacted (cleanup.policy=" + existing.cleanupPolicy()
                        + "; it must be compact)");
            } else if (!compacted && isCompacted) {
                problems.add(name + " is compacted (cleanup.policy=" + existing.cleanupPolicy()
                        + "; it must be delete: compaction would drop events)");
            }
            String maxBytes = configs.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (maxBytes != null && existing.maxMessageBytes() < Integer.parseInt(maxBytes)) {
                problems.add(name + " takes messages of at most " + existing.maxMessageBytes()
                        + " bytes (max.message.bytes; it must be at least " + maxBytes + ")");
            }
            return problems;
        }
    }

    /** Every topic of a deployment whose train batch topic is shared by {@code trainers} trainers. */
    public static List<Topic> forTrainers(int trainers) {
        if (trainers < 1) {
            throw new IllegalArgumentException("trainers must be at least 1, not " + trainers);
        }
        List<Topic> topics = new ArrayList<>();
        for (Topics.TopicDefinition definition : Topics.ALL) {
            String name = definition.name();
            Map<String, String> configs = new java.util.TreeMap<>();
            if (definition.compacted()) {
                configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
            }
            if (name.equals(Topics.SYNC)) {
                // A contribution carries a whole parameter vector (base64), up to the producers' request size.
                configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(TopicAdmin.SYNC_MAX_MESSAGE_BYTES));
            } else if (name.equals(Topics.INGEST)) {
                // Oversized records should reach ingest and be dead-lettered as TOO_LARGE, not bounce.
                configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        Integer.toString(TopicAdmin.INGEST_MAX_MESSAGE_BYTES));
            }
            int partitions = name.equals(Topics.BATCHES_TRAIN) ? trainers : 1;
            topics.add(new Topic(name, partitions, definition.compacted(), Map.copyOf(configs)));
        }
        return List.copyOf(topics);
    }
}
