package io.streamtrain.trainer;

import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * What a member of a group of trainers reads, and from where. In: the consumer group's assignments and
 * revocations, the rounds this member contributes to and the rounds that close. Out: the messages of its active
 * partitions, read ahead by a {@link BatchFeed}, recorded in the member's {@link LocalWork} as they are taken
 * (offsets and end-of-data markers); a batch is handed on to train.
 *
 * <p>Whenever the active partitions or their positions change, the feed is repositioned: each active partition
 * from the member's unsent reading, else from the group's offsets (or all from the beginning at a new epoch),
 * paused where it already delivered this epoch's marker. A newly assigned partition stays pending until a round
 * closes that this member contributed to after the assignment: only then is its previous owner's work on it
 * certain to be in the group's offsets.
 */
final class GroupReader implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GroupReader.class);
    private static final Duration LONGEST_WAIT = Duration.ofMillis(100);

    private final BatchFeed feed;
    private final String member;
    private final Set<Integer> active = new LinkedHashSet<>();
    /** Assigned partitions not read yet, with the round after which they may be (-1: not contributed since). */
    private final Map<Integer, Long> pending = new TreeMap<>();

    GroupReader(PipelineSpec spec, PipelineRun run, KafkaSettings kafka, String member, long prefetchBytes,
                int feedNiceness) {
        this.member = member;
        String client = "trainer-" + spec.pipeline() + "-" + member;
        this.feed = new BatchFeed(FeedConsumers.create(kafka, client), FeedConsumers.create(kafka, client + "-spare"),
                run, prefetchBytes, feedNiceness, false);
    }

    void start() {
        feed.start(Set.of(), true);
    }

    /**
     * The next batch of an active partition, or null when none came within {@code timeout} (at most 100 ms) or
     * the message was no batch; what was taken is recorded in {@code local}. {@code idle} is set when nothing came.
     */
    DirectBatch next(Duration timeout, LocalWork local, boolean[] idle) throws InterruptedException {
        FeedItem item = feed.next(timeout.compareTo(LONGEST_WAIT) < 0 ? timeout : LONGEST_WAIT);
        idle[0] = item == null;
        if (item == null || !active.contains(item.partition())) {
            if (item != null && item.batch() != null) {
                feed.release(item.batch());
            }
            return null;
        }
        local.read(item.partition(), item.offset());
        switch (item.kind()) {
            case BATCH -> {
                return item.batch();
            }
            case END_OF_DATA -> local.finished.add(item.partition());
            case UNREADABLE -> LOG.warnf("skipped the message at partition %d offset %d: not a readable batch (%s)",
                    item.partition(), item.offset(), item.problem());
            case OTHER_PIPELINE -> {
                // Another pipeline sharing the topic.
            }
        }
        return null;
    }

    void release(DirectBatch batch) {
        feed.release(batch);
    }

    Set<Integer> active() {
        return Set.copyOf(active);
    }

    /** Whether a partition waits for this member's next contribution. */
    boolean waitingForContribution() {
        return pending.containsValue(-1L);
    }

    void assigned(Collection<Integer> partitions, long closedRound) {
        partitions.forEach(partition -> pending.put(partition, -1L));
        LOG.infof("trainer %s assigned partitions %s after sync round %d; it reads them after the next round it"
                + " contributes to", member, partitions, closedRound);
    }

    /** This member contributed to {@code round}: partitions pending since before it become readable after it. */
    void contributed(long round) {
        pending.replaceAll((partition, after) -> after < 0 ? round : after);
    }

    /**
     * After a closed round: at a new epoch every active partition is read from the beginning; when this member's
     * local work was dropped, from the group's offsets; pending partitions that may now be read join them.
     */
    void afterRound(SyncRounds.Result result, LocalWork local, SyncRounds rounds, boolean workDropped) {
        if (result.epochEnded() && !result.complete()) {
            reposition(local, rounds, true);
        } else if (workDropped) {
            reposition(local, rounds, false);
        }
        List<Integer> ready = pending.entrySet().stream()
                .filter(e -> e.getValue() >= 0 && result.round() >= e.getValue()).map(Map.Entry::getKey).toList();
        if (!ready.isEmpty()) {
            ready.forEach(pending::remove);
            active.addAll(ready);
            reposition(local, rounds, false);
            LOG.infof("trainer %s reads partitions %s from sync round %d's offsets", member, ready, result.round());
        }
    }

    void forget(Collection<Integer> partitions, LocalWork local, SyncRounds rounds) {
        active.removeAll(partitions);
        partitions.forEach(pending::remove);
        reposition(local, rounds, false);
    }

    /**
     * Reads every active partition from where the member stands ({@code local} work first, else the group's
     * offsets), or all from the beginning; what the feed had read ahead is dropped.
     */
    void reposition(LocalWork local, SyncRounds rounds, boolean newEpoch) {
        Map<Integer, Long> from = new HashMap<>();
        Set<Integer> ended = new HashSet<>();
        Map<Integer, Long> group = rounds.offsets();
        List<Integer> groupFinished = rounds.finished();
        for (int partition : active) {
            from.put(partition, newEpoch ? group.get(partition) : local.offsets.getOrDefault(partition,
                    group.get(partition)));
            if (!newEpoch && (groupFinished.contains(partition) || local.finished.contains(partition))) {
                ended.add(partition);
            }
        }
        feed.reposition(from, ended);
    }

    long lag() {
        return feed.lag();
    }

    @Override
    public void close() throws InterruptedException {
        feed.close();
    }
}
