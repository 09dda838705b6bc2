package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * A trainer's membership in its group's consumer group, {@code streamtrain-trainer-<pipeline>}. In: the group's
 * rebalances of the train batch partitions, and the group's offsets after each sync round. Out: the partitions
 * assigned, revoked and lost, told to a {@link Listener} on the training thread (inside {@link #poll}), and the
 * group's offsets committed for lag monitors (KEDA scales trainers on that lag). It never fetches a batch: every
 * partition it is given stays paused, and a {@link BatchFeed} reads what the sync rounds say to read.
 */
final class GroupMembership implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupMembership.class);

    /** What a rebalance does to this member; called inside {@link #poll}. */
    interface Listener {
        void assigned(Collection<Integer> partitions);

        /** Taken away in order: the member may still hand in what it trained on them. */
        void revoked(Collection<Integer> partitions);

        /** Taken away without notice: someone else may already read them. */
        void lost(Collection<Integer> partitions);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private long committedRound;
    /** Closing: revocations then are not this member's to act on (its LEAVE is sent; others reread its work). */
    private volatile boolean closing;

    GroupMembership(PipelineSpec spec, KafkaSettings kafka, String member) {
        Properties properties = kafka.consumer("trainer-" + spec.pipeline() + "-" + member,
                Topics.trainerGroup(spec.pipeline()));
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        this.consumer = new KafkaConsumer<>(properties);
    }

    /** A member id for a new trainer process: host, pid and a random part. */
    static String newMemberId() {
        String host = java.util.Optional.ofNullable(System.getenv("HOSTNAME")).orElse("trainer");
        return host + "-" + ProcessHandle.current().pid() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    }

    /** The number of train batch partitions; a missing topic (no partitions) is an error, never an empty stream. */
    int partitionCount() {
        int partitions = consumer.partitionsFor(Topics.BATCHES_TRAIN, Duration.ofSeconds(60)).size();
        if (partitions == 0) {
            throw new IllegalStateException(Topics.BATCHES_TRAIN + " does not exist (0 partitions): create the topics"
                    + " with ./streamtrain topics --kafka HOST:PORT");
        }
        return partitions;
    }

    void join(Listener listener) {
        consumer.subscribe(List.of(Topics.BATCHES_TRAIN), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                consumer.pause(partitions);
                if (!closing) {
                    listener.assigned(numbers(partitions));
                }
            }

            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                if (!closing) {
                    listener.revoked(numbers(partitions));
                }
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                if (!closing) {
                    listener.lost(numbers(partitions));
                }
            }
        });
    }

    /** Keeps the membership alive and runs the rebalance callbacks; fetches nothing. */
    void poll() {
        consumer.poll(Duration.ZERO);
    }

    /**
     * Once per closed round, commits the group's offsets of {@code partitions} (absent: 0), for monitoring only:
     * they are not read back, the rounds and the checkpoints are the source of truth.
     */
    void commitAfter(long closedRound, Set<Integer> partitions, Map<Integer, Long> offsets) {
        if (closedRound == committedRound) {
            return;
        }
        committedRound = closedRound;
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        for (int partition : partitions) {
            commits.put(new TopicPartition(Topics.BATCHES_TRAIN, partition),
                    new OffsetAndMetadata(offsets.getOrDefault(partition, 0L)));
        }
        if (!commits.isEmpty()) {
            consumer.commitAsync(commits, (done, error) -> {
                if (error != null) {
                    LOG.debugf("committing the group's offsets failed (monitoring only): %s", error.toString());
                }
            });
        }
    }

    void wakeup() {
        consumer.wakeup();
    }

    private static List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream().map(TopicPartition::partition).toList();
    }

    @Override
    public void close() {
        closing = true;
        consumer.close();
    }
}
