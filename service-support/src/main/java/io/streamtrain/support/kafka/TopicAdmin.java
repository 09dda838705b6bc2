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
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the pipeline's topics that do not exist, as {@link TopicLayout} says (compacted where the contract says
 * so, the given number of partitions for the train batch topic and one elsewhere), and adds train partitions for
 * more trainers. Used by {@code streamtrain topics}, the demo and tests; services never create topics.
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
            createMissing(admin, TopicLayout.forTrainers(trainPartitions));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics on " + kafka.bootstrapServers() + ": " + e.getCause(),
                    e);
        }
    }

    /**
     * Creates the topics of the layout that do not exist; returns the names this call created (a topic that
     * another client created meanwhile is not among them).
     */
    public static List<String> createMissing(Admin admin, List<TopicLayout.Topic> layout)
            throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = layout.stream().filter(topic -> !existing.contains(topic.name()))
                .map(TopicLayout.Topic::newTopic).toList();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(missing).values();
        List<String> created = new ArrayList<>();
        for (NewTopic topic : missing) {
            try {
                results.get(topic.name()).get();
                created.add(topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    /**
     * Adds partitions to the train batch topic until it has at least {@code partitions} (a group of that many
     * trainers can then all work); returns the count it has now. Partitions are never removed.
     */
    public static int ensureTrainPartitions(KafkaSettings kafka, int partitions) {
        try (Admin admin = Admin.create(kafka.admin("streamtrain-topic-admin"))) {
            return ensureTrainPartitions(admin, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while adding partitions", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot add partitions to " + Topics.BATCHES_TRAIN + ": " + e.getCause(),
                    e);
        }
    }

    /** The number of partitions of the train batch topic: at most that many trainers can share it. */
    public static int trainPartitionCount(KafkaSettings kafka) {
        return ensureTrainPartitions(kafka, 0);
    }

    /** The same with a given admin client. */
    public static int ensureTrainPartitions(Admin admin, int partitions)
            throws ExecutionException, InterruptedException {
        int current = admin.describeTopics(List.of(Topics.BATCHES_TRAIN)).allTopicNames().get()
                .get(Topics.BATCHES_TRAIN).partitions().size();
        if (current >= partitions) {
            return current;
        }
        admin.createPartitions(Map.of(Topics.BATCHES_TRAIN, NewPartitions.increaseTo(partitions))).all().get();
        return partitions;
    }
}
