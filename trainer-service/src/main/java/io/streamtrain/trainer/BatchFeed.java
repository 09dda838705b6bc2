package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.support.kafka.PipelineRun;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Reads the train batch topic on its own thread, ahead of training, so fetching and decoding overlap the
 * optimizer steps instead of adding to them. In: a consumer already assigned and positioned (and paused on the
 * partitions that ended the epoch). Out: {@link FeedItem}s in the consumer's order (a batch, an end-of-data
 * marker, a message of another pipeline, or one that is not a readable batch), through a {@link FeedQueue} that
 * holds at most {@code capacityBytes} of batches. Batches are decoded straight from the fetched bytes into pooled
 * native buffers, which the trainer's tensors then use as they are: no batch data is copied on the heap or on the
 * training thread, and the buffers are given back with {@link #release} after the step.
 *
 * <p>At a partition's end-of-data marker the feed pauses that partition and drops whatever follows it. Once every
 * partition has delivered its marker it reads the next epoch from the start of the segment right away, behind the
 * markers in the queue, so the trainer finds it there when it turns the epoch (after the last epoch the trainer
 * repositions the feed after the markers, where the next segment starts). Markers that end a segment of which
 * nothing was trained (no batch, or the rest of a stopped one) are followed by whatever is published after them
 * instead. After {@link #start} only the feed's thread touches the consumers.
 *
 * <p>In a group of trainers the sync rounds, not the markers, end an epoch: that feed only pauses a partition at
 * its marker, and the trainer tells it what to read with {@link #reposition} (the partitions it owns now, from
 * where). Items read before the latest repositioning are dropped, never handed out.
 *
 * <p>Two consumers take turns, one per epoch (or repositioning). The consumer that just read an epoch still has a
 * fetch waiting at the broker for data after the markers (up to {@code fetch.max.wait.ms}), and a seek cannot
 * fetch again until that fetch returns; the other consumer starts the next epoch at once. The wait is 100 ms
 * instead of Kafka's 500 ms, so that even epochs shorter than the default wait do not stall on it (measured: with
 * 65,536-row epochs of 1,024-row batches the trainer ran at 0.43 of the in-memory rate before).
 */
final class BatchFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchFeed.class);

    /** What a repositioning starts: more of the same segment, a new segment, or skipping to the next one. */
    enum Start { CONTINUE, NEW_SEGMENT, SKIP_TO_NEXT_SEGMENT }

    /** What to read from a repositioning on: partitions from offsets (null: the beginning), some paused. */
    private record Positions(Map<Integer, Long> from, Set<Integer> ended, long generation, Start start) {
    }

    private final PipelineRun run;
    private final FeedQueue queue;
    private final Set<Integer> ended = new HashSet<>();
    private final Thread thread;
    private final int niceness;
    private final boolean epochsByMarkers;
    private final BlockingQueue<Positions> repositions = new LinkedBlockingQueue<>();
    /** Where each epoch of the current segment starts, per partition (absent: the beginning; feed thread only). */
    private final Map<Integer, Long> segmentStart = new HashMap<>();
    /** The offset after each partition's newest marker (feed thread only). */
    private final Map<Integer, Long> afterMarker = new HashMap<>();
    /** Batches read now are not trained (the rest of a stopped segment): they do not make markers replay. */
    private boolean skipping;
    /** The repositioning reading follows now (feed thread only). */
    private long generation;
    private KafkaConsumer<String, ByteBuffer> consumer;
    private KafkaConsumer<String, ByteBuffer> spare;
    private boolean trained;
    private volatile boolean running = true;
    private volatile long consumerLag;
    private volatile Throwable failure;

    /**
     * {@code consumer} is assigned and positioned; {@code spare} is a second one ({@link FeedConsumers}). The
     * feed's thread runs at nice value {@code niceness} (0: as the training thread): the feed only has to stay
     * ahead, and where it shares the cores with the training thread (and a broker) the training thread should win.
     */
    BatchFeed(KafkaConsumer<String, ByteBuffer> consumer, KafkaConsumer<String, ByteBuffer> spare, PipelineRun run,
              long capacityBytes, int niceness) {
        this(consumer, spare, run, capacityBytes, niceness, true);
    }

    /** {@code epochsByMarkers}: false in a group, where the trainer repositions the feed after each epoch. */
    BatchFeed(KafkaConsumer<String, ByteBuffer> consumer, KafkaConsumer<String, ByteBuffer> spare, PipelineRun run,
              long capacityBytes, int niceness, boolean epochsByMarkers) {
        this.epochsByMarkers = epochsByMarkers;
        this.niceness = niceness;
        this.consumer = consumer;
        this.spare = spare;
        this.run = run;
        this.queue = new FeedQueue(capacityBytes);
        this.thread = new Thread(this::run, "batch-feed");
        thread.setDaemon(true);
    }

    /**
     * Starts reading. {@code endedPartitions} are already paused after their marker; {@code trainedBefore} says
     * whether the run has trained on a batch (restored from a checkpoint), so markers end an epoch.
     */
    void start(Set<Integer> endedPartitions, boolean trainedBefore) {
        start(endedPartitions, trainedBefore, Map.of(), false);
    }

    /**
     * The same within a segment that starts at {@code segmentStarts} (each epoch replays from there); with
     * {@code skipToNextSegment} the batches up to the next markers are handed out but do not count as trained.
     */
    void start(Set<Integer> endedPartitions, boolean trainedBefore, Map<Integer, Long> segmentStarts,
               boolean skipToNextSegment) {
        ended.addAll(endedPartitions);
        // A paused partition stands right after its marker.
        endedPartitions.forEach(p -> afterMarker.put(p, consumer.position(new TopicPartition(Topics.BATCHES_TRAIN, p))));
        trained = trainedBefore && !skipToNextSegment;
        skipping = skipToNextSegment;
        segmentStart.putAll(segmentStarts);
        spare.assign(consumer.assignment());
        spare.pause(spare.assignment());
        thread.start();
    }

    /** The next item, or null when none arrived within {@code timeout}; rethrows a failure of the feed. */
    FeedItem next(Duration timeout) throws InterruptedException {
        FeedItem item = queue.next(timeout);
        if (item == null && failure != null) {
            throw new IllegalStateException("reading the train batch topic failed", failure);
        }
        return item;
    }

    /**
     * From now on hands out only what is read from these positions: {@code from} maps every partition to read to
     * its next offset (null: the beginning); {@code ended} of them are paused after their marker. Called by the
     * training thread; the feed's thread applies it before its next fetch.
     */
    void reposition(Map<Integer, Long> from, Set<Integer> ended) {
        reposition(from, ended, Start.CONTINUE);
    }

    /**
     * The same, starting a new segment at {@code from} ({@link Start#NEW_SEGMENT}: later epochs replay from there)
     * or reading on to the next segment without training ({@link Start#SKIP_TO_NEXT_SEGMENT}: after a stop).
     */
    void reposition(Map<Integer, Long> from, Set<Integer> ended, Start start) {
        repositions.add(new Positions(new HashMap<>(from), Set.copyOf(ended), queue.newGeneration(), start));
    }

    /** Gives back the buffer of a batch that has been trained on (or skipped), for the next batches. */
    void release(DirectBatch batch) {
        queue.release(batch);
    }

    /** Train batches published but not yet trained on: the consumer's lag plus what waits in the queue. */
    long lag() {
        return consumerLag + queue.size();
    }

    private void run() {
        if (niceness > 0 && !ThreadNiceness.setForCurrentThread(niceness)) {
            LOG.infof("the batch feed runs at the training thread's priority: this platform did not take nice %d",
                    niceness);
        }
        try {
            while (running) {
                if (applyRepositioning()) {
                    continue;
                }
                ConsumerRecords<String, ByteBuffer> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    continue;
                }
                long lag = 0;
                for (TopicPartition partition : consumer.assignment()) {
                    lag += consumer.currentLag(partition).orElse(0);
                }
                consumerLag = lag;
                for (ConsumerRecord<String, ByteBuffer> record : records) {
                    if (!ended.contains(record.partition())) {
                        offer(FeedItem.read(record, run, generation, queue));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void offer(FeedItem item) throws InterruptedException {
        if (!queue.offer(item, () -> running)) {
            return;
        }
        if (item.kind() == FeedItem.Kind.BATCH && !skipping) {
            trained = true;
        } else if (item.kind() == FeedItem.Kind.END_OF_DATA) {
            ended.add(item.partition());
            afterMarker.put(item.partition(), item.offset() + 1);
            consumer.pause(List.of(new TopicPartition(Topics.BATCHES_TRAIN, item.partition())));
            if (epochsByMarkers && ended.size() == consumer.assignment().size()) {
                nextEpoch();
            }
        }
    }

    /**
     * Applies the newest repositioning asked for, on the consumer that did not read last (its fetches are not
     * waiting at the broker); true while there is nothing to read yet (no partition), after a short wait for one.
     */
    private boolean applyRepositioning() throws InterruptedException {
        Positions latest = null;
        for (Positions asked; (asked = repositions.poll()) != null; ) {
            if (latest == null || asked.generation() > latest.generation()) {
                latest = asked;
            }
        }
        if (latest != null) {
            readFrom(latest);
        }
        if (consumer.assignment().isEmpty()) {
            Positions asked = repositions.poll(100, TimeUnit.MILLISECONDS);
            if (asked != null) {
                repositions.add(asked);
            }
            return true;
        }
        return false;
    }

    /** Switches to the consumer that did not read last and positions it as asked. */
    private void readFrom(Positions positions) {
        KafkaConsumer<String, ByteBuffer> previous = consumer;
        consumer = spare;
        spare = previous;
        spare.pause(spare.assignment());
        List<TopicPartition> partitions = positions.from().keySet().stream()
                .map(p -> new TopicPartition(Topics.BATCHES_TRAIN, p)).toList();
        consumer.assign(partitions);
        seek(consumer, positions.from());
        consumer.resume(partitions);
        consumer.pause(partitions.stream().filter(p -> positions.ended().contains(p.partition())).toList());
        ended.clear();
        ended.addAll(positions.ended());
        positions.ended().stream().filter(p -> positions.from().get(p) != null)
                .forEach(p -> afterMarker.put(p, positions.from().get(p)));
        generation = positions.generation();
        consumerLag = 0;
        if (positions.start() == Start.NEW_SEGMENT) {
            segmentStart.clear();
            segmentStart.putAll(positions.from());
        }
        if (positions.start() != Start.CONTINUE) {
            trained = false;
            skipping = positions.start() == Start.SKIP_TO_NEXT_SEGMENT;
        }
    }

    /**
     * Every partition delivered its marker: read the segment again from its start; or, when nothing of it was
     * trained (markers before any batch, or the rest of a stopped segment), read on after the markers, where the
     * next segment starts.
     */
    private void nextEpoch() {
        ended.clear();
        if (!trained) {
            skipping = false;
            segmentStart.clear();
            segmentStart.putAll(afterMarker);
            seek(consumer, afterMarker);
            consumer.resume(consumer.assignment());
            return;
        }
        KafkaConsumer<String, ByteBuffer> finished = consumer;
        consumer = spare;
        spare = finished;
        spare.pause(spare.assignment());
        consumer.resume(consumer.assignment());
        seek(consumer, segmentStart);
    }

    /** Positions every assigned partition at its offset in {@code offsets}, or at the beginning without one. */
    private static void seek(KafkaConsumer<String, ByteBuffer> consumer, Map<Integer, Long> offsets) {
        for (TopicPartition partition : consumer.assignment()) {
            Long offset = offsets.get(partition.partition());
            if (offset == null) {
                consumer.seekToBeginning(List.of(partition));
            } else {
                consumer.seek(partition, offset);
            }
        }
    }

    /** Stops the thread and closes the consumers. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        spare.wakeup();
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        consumer.close();
        spare.close();
    }
}
