package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * A trainer that trains alone (no {@code train.sync}). In: every partition of {@code streamtrain.batches.train.v1},
 * read ahead by a {@link BatchFeed}, and the newest checkpoint. Out: the batches in order, and an occasion after
 * every applied step, while idle, at each epoch's end and at a segment's end. An epoch ends when every partition
 * has delivered its end-of-data marker; the next epoch replays the segment from its start, until
 * {@code train.epochs}: then a final checkpoint closes the segment and the trainer goes on with what is published
 * after the markers, the next segment. Without markers it trains continuously. After a stop (early stopping, a
 * non-finite step under {@code stop}) the rest of the segment is read but not trained, up to its markers.
 *
 * <p>On start it continues from the newest checkpoint, not from any consumer group: it restores the parameters and
 * optimizer state, the epoch, step and lineage, seeks every partition to the checkpoint's offsets and pauses the
 * partitions that had already ended the epoch. Killed at any point, it therefore trains on exactly the same
 * batches in the same order as an uninterrupted run.
 */
final class SoloCoordinator implements TrainingCoordinator {

    private static final Logger LOG = Logger.getLogger(SoloCoordinator.class);

    private final PipelineSpec spec;
    private final CheckpointPublisher publisher;
    private final int threads;
    private final KafkaConsumer<String, ByteBuffer> consumer;
    private final KafkaConsumer<String, ByteBuffer> spareConsumer;
    private final long prefetchBytes;
    private final int feedNiceness;
    private final Map<Integer, Long> nextOffsets = new HashMap<>();
    private final Set<Integer> finished = new HashSet<>();
    /** Where each epoch of the current segment starts, per partition (absent: the beginning). */
    private final Map<Integer, Long> segmentStart = new HashMap<>();
    private int segment = 1;
    /** Whether a batch of the current segment was trained on, so that its markers end an epoch. */
    private boolean segmentTrained;
    /** After a stop: reading to the segment's markers without training. */
    private boolean skipping;
    private long skippedBatches;
    private List<TopicPartition> partitions = List.of();
    private TrainingRun run;
    private Checkpoints checkpoints;
    private Lineage lineage = new Lineage(0, null);
    private BatchFeed feed;

    SoloCoordinator(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher publisher, int threads,
                    long prefetchBytes, int feedNiceness) {
        this.spec = spec;
        this.publisher = publisher;
        this.threads = threads;
        this.prefetchBytes = prefetchBytes;
        this.feedNiceness = feedNiceness;
        this.consumer = FeedConsumers.create(kafka, "trainer-" + spec.pipeline());
        this.spareConsumer = FeedConsumers.create(kafka, "trainer-" + spec.pipeline() + "-spare");
    }

    @Override
    public boolean start(TrainingRun run, Checkpoints checkpoints) throws IOException {
        this.run = run;
        this.checkpoints = checkpoints;
        partitions = consumer.partitionsFor(Topics.BATCHES_TRAIN, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(Topics.BATCHES_TRAIN, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Optional<CheckpointWriter.Restorable> saved = publisher.newest();
        if (saved.isPresent()) {
            restore(saved.get());
        }
        feed = new BatchFeed(consumer, spareConsumer, publisher.run(), prefetchBytes, feedNiceness);
        feed.start(finished, segmentTrained, segmentStart, skipping);
        return true;
    }

    /**
     * Continues from a checkpoint: within its segment, or, when the checkpoint closed its segment, with the next
     * one (after the markers; or, after a stop, reading to them first).
     */
    private void restore(CheckpointWriter.Restorable saved) throws IOException {
        ResumePoint resume = saved.manifest().resume();
        run.progress.moveTo(resume.epoch(), resume.step(), resume.samples());
        TrainingSession session = run.begin(saved.manifest().stats(),
                new TrainingSession(spec, saved.manifest().stats(), threads));
        session.importState(saved.state());
        lineage = CheckpointPublisher.lineageOf(saved);
        segment = resume.segment();
        segmentStart.putAll(resume.segmentStart());
        segmentTrained = true;
        for (TopicPartition partition : partitions) {
            Long offset = resume.offsets().getOrDefault(partition.partition(), segmentStart.get(partition.partition()));
            if (offset != null) {
                consumer.seek(partition, offset);
                nextOffsets.put(partition.partition(), offset);
            }
            if (resume.finished().contains(partition.partition())) {
                finished.add(partition.partition());
            }
        }
        if (resume.complete()) {
            LOG.infof("checkpoint %s of '%s' closed segment %d; going on with the data after it",
                    saved.manifest().checkpointId(), spec.pipeline(), segment);
            startNextSegment();
        }
        partitions.stream().filter(p -> finished.contains(p.partition())).forEach(p -> consumer.pause(List.of(p)));
        LOG.infof("continuing '%s' from checkpoint %s: segment %d, epoch %d, step %d, %d batches in the lineage,"
                + " offsets %s", spec.pipeline(), saved.manifest().checkpointId(), segment, run.progress.epoch(),
                resume.step(), resume.lineageCount(), resume.offsets());
    }

    /**
     * After the final checkpoint of a segment: the next segment starts after the markers, or, when the segment
     * ended before its markers (a stop), after the markers still to come; its epochs count from 1 again.
     */
    private String startNextSegment() {
        segment++;
        segmentTrained = false;
        run.progress.moveTo(1, run.progress.step(), run.progress.samples());
        if (finished.size() == partitions.size()) {
            finished.clear();
            segmentStart.clear();
            segmentStart.putAll(nextOffsets);
            return "segment " + (segment - 1) + " is complete; segment " + segment + " starts with the data"
                    + " published after its end-of-data marker";
        }
        skipping = true;
        skippedBatches = 0;
        return "segment " + (segment - 1) + " stopped before its end-of-data marker; the rest of it is not trained,"
                + " segment " + segment + " starts after the marker";
    }

    @Override
    public String nextSegment() {
        String started = startNextSegment();
        Map<Integer, Long> from = new HashMap<>();
        partitions.forEach(p -> from.put(p.partition(), nextOffsets.getOrDefault(p.partition(),
                segmentStart.get(p.partition()))));
        feed.reposition(from, finished, skipping ? BatchFeed.Start.SKIP_TO_NEXT_SEGMENT : BatchFeed.Start.NEW_SEGMENT);
        LOG.infof("training of '%s': %s", spec.pipeline(), started);
        return started;
    }

    @Override
    public DirectBatch next(Duration timeout) throws Exception {
        FeedItem item = feed.next(timeout);
        if (item == null) {
            // Idle: a consistent point too, so that a time-based checkpoint covers the last batches of a slow stream.
            checkpoints.at(new Occasion(Occasion.Kind.STEP, run.progress.epoch(), true, null));
            return null;
        }
        nextOffsets.put(item.partition(), item.offset() + 1);
        switch (item.kind()) {
            case BATCH -> {
                if (!skipping) {
                    return item.batch();
                }
                skippedBatches++;
                feed.release(item.batch());
            }
            case END_OF_DATA -> {
                finished.add(item.partition());
                if (finished.size() == partitions.size() && skipping) {
                    endSkipping();
                } else if (finished.size() == partitions.size()) {
                    endEpoch();
                }
            }
            case UNREADABLE -> LOG.warnf("skipped the message at %s-%d offset %d: not a readable batch (%s)",
                    Topics.BATCHES_TRAIN, item.partition(), item.offset(), item.problem());
            case OTHER_PIPELINE -> {
                // Another pipeline sharing the topic.
            }
        }
        return null;
    }

    /** The rest of a stopped segment has been read: the next segment starts after its markers. */
    private void endSkipping() {
        skipping = false;
        finished.clear();
        segmentStart.clear();
        segmentStart.putAll(nextOffsets);
        LOG.infof("training of '%s': %d batches after the stop were not trained; segment %d starts after the"
                + " end-of-data marker", spec.pipeline(), skippedBatches, segment);
    }

    /** Every partition delivered its marker: the next epoch, or the end of the segment. */
    private void endEpoch() throws IOException {
        if (!segmentTrained) {
            LOG.warnf("end of data for '%s' before any batch of segment %d; waiting for data", spec.pipeline(),
                    segment);
            finished.clear();
            segmentStart.clear();
            segmentStart.putAll(nextOffsets);
            return;
        }
        TrainingProgress progress = run.progress;
        if (progress.epoch() >= spec.train().epochs()) {
            checkpoints.at(new Occasion(Occasion.Kind.FINAL, progress.epoch(), true,
                    "completed " + progress.epoch() + " epochs" + (segment > 1 ? " of segment " + segment : "")));
            return;
        }
        int ended = progress.epoch();
        progress.nextEpoch();
        finished.clear();
        nextOffsets.clear();
        // Labelled as the epoch that ended, resuming at the start of the next one.
        checkpoints.at(new Occasion(Occasion.Kind.EPOCH_END, ended, true, null));
    }

    @Override
    public void stepped(DirectBatch batch, boolean applied, float loss) throws IOException {
        try {
            if (applied) {
                segmentTrained = true;
                lineage.add(run.progress.epoch(), batch.batchId());
                checkpoints.at(new Occasion(Occasion.Kind.STEP, run.progress.epoch(), true, null));
            }
        } finally {
            feed.release(batch);
        }
    }

    @Override
    public void stop(String reason) throws IOException {
        checkpoints.at(new Occasion(Occasion.Kind.FINAL, run.progress.epoch(), true, reason));
    }

    @Override
    public ResumePoint resumePoint(boolean complete) {
        TrainingProgress progress = run.progress;
        return new ResumePoint(progress.epoch(), progress.step(), progress.samples(), Map.copyOf(nextOffsets),
                new ArrayList<>(finished), complete, lineage.count(), lineage.sha256(), 0, List.of(), 0, segment,
                segmentStart);
    }

    @Override
    public Lineage lineage() {
        return lineage;
    }

    @Override
    public long lag() {
        return feed == null ? 0 : feed.lag();
    }

    @Override
    public boolean prunes() {
        return true;
    }

    @Override
    public String summary() {
        return "";
    }

    @Override
    public void leave() {
        // Nobody waits for a trainer that trains alone.
    }

    @Override
    public void wakeup() {
        // The feed's thread does the reading; the training thread waits on it at most half a second.
    }

    @Override
    public void close() {
        try {
            if (feed != null) {
                feed.close();
            } else {
                consumer.close();
                spareConsumer.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
