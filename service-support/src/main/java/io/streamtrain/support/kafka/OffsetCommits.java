package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;

/**
 * Commits a group consumer's offsets without losing one. In: what the loop has processed (a record or a poll). Out:
 * synchronous commits of the next offset per partition. A commit that fails on a passing error (a broker
 * restarting, the coordinator moving, a timeout, a rebalance) stays pending and is retried by the next commit or
 * by {@link #retryPending()}, always with the newest offset per partition, so a later success covers it. Offsets of
 * partitions this consumer no longer owns are dropped (their new owner resumes from the last committed offset).
 * Used on the polling thread only.
 */
public final class OffsetCommits {

    private static final Logger LOG = Logger.getLogger(OffsetCommits.class);
    private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);

    private final Consumer<?, ?> consumer;
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    private int failures;

    public OffsetCommits(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** Commits up to and including {@code record} (and whatever is still pending); true once committed. */
    public boolean processed(ConsumerRecord<?, ?> record) {
        pending.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        return commit();
    }

    /** Commits every record of {@code records} (and whatever is still pending); true once committed. */
    public boolean processed(ConsumerRecords<?, ?> records) {
        for (TopicPartition partition : records.partitions()) {
            var inPartition = records.records(partition);
            pending.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return commit();
    }

    /** Retries a commit that failed; true when nothing is left to commit. Call it on every turn of the loop. */
    public boolean retryPending() {
        return pending.isEmpty() || commit();
    }

    /** True while a failed commit waits for its retry. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    private boolean commit() {
        if (pending.keySet().retainAll(consumer.assignment())) {
            LOG.warn("dropped offsets of partitions no longer assigned; their new owner resumes from the last commit");
        }
        if (pending.isEmpty()) {
            return true;
        }
        try {
            consumer.commitSync(Map.copyOf(pending), COMMIT_TIMEOUT);
            pending.clear();
            if (failures > 0) {
                LOG.infof("offsets committed after %d failed attempt(s)", failures);
                failures = 0;
            }
            return true;
        } catch (RetriableException | RebalanceInProgressException e) {
            failures++;
            LOG.warnf("offset commit failed (%s); retrying with the next commit", e.toString());
            return false;
        } catch (CommitFailedException e) {
            pending.clear();
            failures = 0;
            LOG.warnf("offset commit refused (%s); the partitions' owner resumes from the last commit", e.getMessage());
            return false;
        }
    }
}
