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
 * every applied step, while idle, at each epoch's end and at the run's end. An epoch ends when every partition has
 * delivered its end-of-data marker; the next epoch replays the topic from the beginning, until
 * {@code train.epochs}. Without markers it trains continuously.
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
        if (saved.isPresent() && !restore(saved.get())) {
            return false;
        }
        feed = new BatchFeed(consumer, spareConsumer, spec.pipeline(), prefetchBytes, feedNiceness);
        feed.start(finished, run.started());
        return true;
    }

    /** Continues from a checkpoint; false when that run is already complete. */
    private boolean restore(CheckpointWriter.Restorable saved) throws IOException {
        ResumePoint resume = saved.manifest().resume();
        run.progress.moveTo(resume.epoch(), resume.step(), resume.samples());
        if (resume.complete()) {
            LOG.infof("training of '%s' is complete (checkpoint %s); nothing to do", spec.pipeline(),
                    saved.manifest().checkpointId());
            return false;
        }
        TrainingSession session = run.begin(saved.manifest().stats(),
                new TrainingSession(spec, saved.manifest().stats(), threads));
        session.importState(saved.state());
        lineage = CheckpointPublisher.lineageOf(saved);
        for (TopicPartition partition : partitions) {
            Long offset = resume.offsets().get(partition.partition());
            if (offset != null) {
                consumer.seek(partition, offset);
                nextOffsets.put(partition.partition(), offset);
            }
            if (resume.finished().contains(partition.partition())) {
                finished.add(partition.partition());
                consumer.pause(List.of(partition));
            }
        }
        LOG.infof("continuing '%s' from checkpoint %s: epoch %d, step %d, %d batches in the lineage, offsets %s",
                spec.pipeline(), saved.manifest().checkpointId(), resume.epoch(), resume.step(),
                resume.lineageCount(), resume.offsets());
        return true;
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
                return item.batch();
            }
            case END_OF_DATA -> {
                finished.add(item.partition());
                if (finished.size() == partitions.size()) {
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

    /** Every partition delivered its marker: the next epoch, or the end of the run. */
    private void endEpoch() throws IOException {
        if (!run.started()) {
            LOG.warnf("end of data for '%s' before any batch; waiting for data", spec.pipeline());
            finished.clear();
            return;
        }
        TrainingProgress progress = run.progress;
        if (progress.epoch() >= spec.train().epochs()) {
            checkpoints.at(new Occasion(Occasion.Kind.FINAL, progress.epoch(), true,
                    "completed " + progress.epoch() + " epochs"));
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
                new ArrayList<>(finished), complete, lineage.count(), lineage.sha256());
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
