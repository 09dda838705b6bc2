package io.streamtrain.trainer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.Engines;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.StepResult;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.NonFinitePolicy;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PollingThread;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training loop. In: batches from {@code streamtrain.batches.train.v1} (every partition, read committed), read
 * ahead by a {@link BatchFeed}. Out: one optimizer step per batch, and a checkpoint every
 * {@code train.checkpointEvery} steps (and every {@code train.checkpointEverySeconds} when set, which matters in
 * continuous mode) and at the end of each epoch. An epoch ends when every partition has delivered its end-of-data
 * marker; the next epoch replays the topic from the beginning, until {@code train.epochs}. Without markers it
 * trains continuously. A message that is not a readable batch is logged and skipped.
 *
 * <p>On start it continues from the newest checkpoint, not from any consumer group: it restores the parameters
 * and optimizer state, the epoch, step and lineage, seeks every partition to the checkpoint's offsets and pauses
 * the partitions that had already ended the epoch. Killed at any point, it therefore trains on exactly the same
 * batches in the same order as an uninterrupted run.
 *
 * <p>With {@code train.patience} set it also reads {@code streamtrain.evaluations.v1} and stops early once that
 * many evaluations in a row did not improve the spec's metric; the final checkpoint says why. The evaluations also
 * tell checkpoint retention which checkpoints were looked at.
 *
 * <p>This is the loop of a trainer that reads every partition alone; with {@code train.sync} in the spec,
 * {@link GroupTrainingLoop} runs instead.
 *
 * <p>A batch whose loss or gradients are not finite is not applied: with {@code train.onNonFinite: skip} it is
 * counted and reported in the progress events, with {@code stop} the run ends with a final checkpoint of the last
 * finite parameters and the reason.
 */
@ApplicationScoped
public class TrainingLoop {

    private static final Logger LOG = Logger.getLogger(TrainingLoop.class);

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final ProgressReporter progressReporter;
    private final TrainerMetrics metrics;
    private final TrainerState state;
    private final int threads;
    private final long prefetchBytes;
    private final int feedNiceness;
    private KafkaConsumer<String, ByteBuffer> consumer;
    private KafkaConsumer<String, ByteBuffer> spareConsumer;
    private EvaluationFollower evaluations;
    private BatchFeed feed;
    private PollingThread loop;

    public TrainingLoop(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints,
                        ProgressReporter progressReporter, TrainerMetrics metrics, TrainerState state,
                        @ConfigProperty(name = "streamtrain.trainer.threads") int threads,
                        @ConfigProperty(name = "streamtrain.trainer.prefetch-megabytes") int prefetchMegabytes,
                        @ConfigProperty(name = "streamtrain.trainer.feed-niceness") int feedNiceness) {
        this.prefetchBytes = prefetchMegabytes * 1024L * 1024L;
        this.feedNiceness = ThreadNiceness.requireValid(feedNiceness, "streamtrain.trainer.feed-niceness");
        this.metrics = metrics;
        this.state = state;
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.progressReporter = progressReporter;
        this.threads = threads;
    }

    void onStart(@Observes StartupEvent event) {
        if (spec.train().sync() != null) {
            return; // a group of trainers: GroupTrainingLoop
        }
        consumer = new KafkaConsumer<>(BatchFeed.consumerProperties(kafka, "trainer-" + spec.pipeline()));
        spareConsumer = new KafkaConsumer<>(BatchFeed.consumerProperties(kafka, "trainer-" + spec.pipeline()
                + "-spare"));
        evaluations = new EvaluationFollower(kafka, spec.pipeline(), "trainer-evaluations-" + spec.pipeline());
        // Evaluation polls last at most a second: the loop sees the stop in time without a wakeup.
        loop = PollingThread.start("training-loop", this::run, consumer);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    /** The state of one run of the loop: what a checkpoint saves and a restart restores. */
    private static final class Run {
        TrainingSession session;
        NormalizationStats stats;
        TrainingProgress progress = new TrainingProgress(1, 0, 0);
        Lineage lineage = new Lineage(0, null);
        final Map<Integer, Long> nextOffsets = new HashMap<>();
        final Set<Integer> finished = new HashSet<>();
        long lastEvaluationRead;
        EarlyStopping earlyStopping;
        long lastCheckpointNanos = System.nanoTime();
        long lastCheckpointStep;
    }

    private void run(PollingThread loop) {
        Run run = new Run();
        run.earlyStopping = new EarlyStopping(spec.evaluate().metric(), spec.train().patience());
        try {
            Engines.pytorch(threads);
            state.set(TrainerState.Phase.STARTING, "assigning the partitions of " + Topics.BATCHES_TRAIN);
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BATCHES_TRAIN, Duration.ofSeconds(60))
                    .stream().map(p -> new TopicPartition(Topics.BATCHES_TRAIN, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            evaluations.start();
            Optional<CheckpointWriter.Restorable> saved = checkpoints.newest();
            if (saved.isPresent() && !restore(run, saved.get(), partitions)) {
                state.set(TrainerState.Phase.COMPLETE, "the run is complete (checkpoint "
                        + saved.get().manifest().checkpointId() + ")");
                followEvaluations(run, loop);
                return;
            }
            state.set(run.session == null ? TrainerState.Phase.WAITING_FOR_DATA : TrainerState.Phase.TRAINING,
                    partitions.size() + " partitions of " + Topics.BATCHES_TRAIN + " assigned");
            feed = new BatchFeed(consumer, spareConsumer, spec.pipeline(), prefetchBytes, feedNiceness);
            feed.start(run.finished, run.session != null);
            while (loop.running()) {
                BatchFeed.Item item = feed.next(Duration.ofMillis(500));
                if (item != null && !take(run, item)) {
                    complete(run, loop);
                    return;
                }
                checkpointIfDue(run);
                if (!run.finished.isEmpty() && run.finished.size() == partitions.size() && endEpoch(run)
                        || stopEarlyAfterReading(run)) {
                    complete(run, loop);
                    return;
                }
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (CheckpointPublisher.NonFiniteParametersException e) {
            LOG.errorf("training of '%s' stopped: %s", spec.pipeline(), e.getMessage());
            state.set(TrainerState.Phase.FAILED, e.getMessage());
        } catch (Exception e) {
            state.set(TrainerState.Phase.FAILED, e.toString());
            LOG.error("training stopped; the service exits and a restart continues from the newest checkpoint", e);
            Quarkus.asyncExit(1);
        } finally {
            if (run.session != null) {
                run.session.close();
            }
            closeFeed();
            evaluations.close();
        }
    }

    private void closeFeed() {
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

    /** Takes one message of the train batch topic; false when the run ended on it. */
    private boolean take(Run run, BatchFeed.Item item) throws Exception {
        run.nextOffsets.put(item.partition(), item.offset() + 1);
        switch (item.kind()) {
            case END_OF_DATA -> run.finished.add(item.partition());
            case UNREADABLE -> LOG.warnf("skipped the message at %s-%d offset %d: not a readable batch (%s)",
                    Topics.BATCHES_TRAIN, item.partition(), item.offset(), item.problem());
            case BATCH -> {
                try {
                    return train(run, item.batch());
                } finally {
                    feed.release(item.batch());
                }
            }
            case OTHER_PIPELINE -> {
                // Another pipeline sharing the topic.
            }
        }
        return true;
    }

    /** Reads new evaluations at most every 250 ms (polling per batch would slow training down). */
    private boolean stopEarlyAfterReading(Run run) throws Exception {
        long now = System.nanoTime();
        if (now - run.lastEvaluationRead < 250_000_000L) {
            return false;
        }
        run.lastEvaluationRead = now;
        readEvaluations(run, Duration.ZERO);
        return stopEarly(run);
    }

    /** The run is over; the trainer stays up and keeps applying checkpoint retention as evaluations arrive. */
    private void complete(Run run, PollingThread loop) {
        state.set(TrainerState.Phase.COMPLETE, "the run is complete at epoch " + run.progress.epoch() + ", step "
                + run.progress.step());
        run.session.close();
        run.session = null;
        followEvaluations(run, loop);
    }

    private void followEvaluations(Run run, PollingThread loop) {
        while (loop.running()) {
            readEvaluations(run, Duration.ofSeconds(1));
        }
    }

    /**
     * Feeds new evaluations of this pipeline to early stopping and checkpoint retention, and deletes the
     * checkpoints they made unnecessary.
     */
    private void readEvaluations(Run run, Duration timeout) {
        List<EvaluationEvent> arrived = evaluations.poll(timeout);
        for (EvaluationEvent evaluation : arrived) {
            run.earlyStopping.observe(evaluation);
            checkpoints.observe(evaluation);
        }
        if (!arrived.isEmpty()) {
            checkpoints.prune();
        }
    }

    /** When early stopping says so, writes the final checkpoint and returns true. */
    private boolean stopEarly(Run run) throws Exception {
        if (spec.train().patience() == 0) {
            return false;
        }
        String reason = run.earlyStopping.stopReason();
        if (reason == null || run.session == null) {
            return false;
        }
        checkpoints.publish(run.session, run.stats, run.progress, run.progress.epoch(), true, resumePoint(run, true),
                run.lineage, reason);
        LOG.infof("training of '%s' stopped at epoch %d, step %d: %s", spec.pipeline(), run.progress.epoch(),
                run.progress.step(), reason);
        return true;
    }

    /** Continues from a checkpoint; false when that run is already complete. */
    private boolean restore(Run run, CheckpointWriter.Restorable saved, List<TopicPartition> partitions)
            throws java.io.IOException {
        ResumePoint resume = saved.manifest().resume();
        if (resume.complete()) {
            LOG.infof("training of '%s' is complete (checkpoint %s); nothing to do", spec.pipeline(),
                    saved.manifest().checkpointId());
            return false;
        }
        run.stats = saved.manifest().stats();
        run.session = new TrainingSession(spec, run.stats, threads);
        run.session.importState(saved.state());
        run.progress = new TrainingProgress(resume.epoch(), resume.step(), resume.samples());
        run.lineage = CheckpointPublisher.lineageOf(saved);
        run.lastCheckpointStep = resume.step();
        for (TopicPartition partition : partitions) {
            Long offset = resume.offsets().get(partition.partition());
            if (offset != null) {
                consumer.seek(partition, offset);
                run.nextOffsets.put(partition.partition(), offset);
            }
            if (resume.finished().contains(partition.partition())) {
                run.finished.add(partition.partition());
                consumer.pause(List.of(partition));
            }
        }
        LOG.infof("continuing '%s' from checkpoint %s: epoch %d, step %d, %d batches in the lineage, offsets %s",
                spec.pipeline(), saved.manifest().checkpointId(), resume.epoch(), resume.step(),
                resume.lineageCount(), resume.offsets());
        return true;
    }

    /** Trains on one batch; false when the run ended on a non-finite step ({@code train.onNonFinite: stop}). */
    private boolean train(Run run, DirectBatch batch) throws Exception {
        if (run.session == null) {
            run.stats = new StatsLookup(kafka).await(spec.pipeline(), batch.statsVersion(), Duration.ofSeconds(60));
            run.session = new TrainingSession(spec, run.stats, threads);
            LOG.infof("training '%s': %d inputs, hidden %s, %d outputs", spec.pipeline(), run.stats.inputSize(),
                    spec.model().hidden(), run.stats.outputSize());
            state.set(TrainerState.Phase.TRAINING, "training");
        }
        long start = System.nanoTime();
        StepResult result = run.session.step(batch, run.progress.step() + 1);
        long took = System.nanoTime() - start;
        if (!result.applied()) {
            return nonFinite(run, batch, result);
        }
        run.progress.recordStep(batch.rows(), result.loss(), took);
        metrics.step(batch.rows());
        progressReporter.step(run.progress, batch.rows(), result.loss(), took, this::lag);
        run.lineage.add(run.progress.epoch(), batch.batchId());
        if (run.progress.step() % spec.train().checkpointEvery() == 0) {
            checkpoint(run);
        }
        return true;
    }

    /** A step that was not applied; false when the run ends on it. */
    private boolean nonFinite(Run run, DirectBatch batch, StepResult result) throws Exception {
        String reason = "batch " + batch.batchId() + " after step " + run.progress.step() + ": "
                + result.skipReason();
        run.progress.recordSkip(reason);
        metrics.skipped();
        if (spec.train().onNonFinite() == NonFinitePolicy.SKIP) {
            LOG.warnf("skipped %s (train.onNonFinite: skip; %d skipped so far)", reason, run.progress.skipped());
            return true;
        }
        String stopReason = "non-finite step, " + reason + " (train.onNonFinite: stop)";
        checkpoints.publish(run.session, run.stats, run.progress, run.progress.epoch(), true,
                resumePoint(run, true), run.lineage, stopReason);
        LOG.errorf("training of '%s' stopped: %s", spec.pipeline(), stopReason);
        return false;
    }

    /** A periodic (non-final) checkpoint of where training stands now. */
    private void checkpoint(Run run) throws Exception {
        checkpoint(run, run.progress.epoch());
    }

    /** A non-final checkpoint labelled with {@code epoch}; the time and step checkpoints are counted from. */
    private void checkpoint(Run run, int epoch) throws Exception {
        checkpoints.publish(run.session, run.stats, run.progress, epoch, false, resumePoint(run, false), run.lineage,
                null);
        run.lastCheckpointNanos = System.nanoTime();
        run.lastCheckpointStep = run.progress.step();
    }

    /** With {@code train.checkpointEverySeconds}: a checkpoint once that long has passed with new steps. */
    private void checkpointIfDue(Run run) throws Exception {
        int seconds = spec.train().checkpointEverySeconds();
        if (seconds > 0 && run.session != null && run.progress.step() > run.lastCheckpointStep
                && System.nanoTime() - run.lastCheckpointNanos >= seconds * 1_000_000_000L) {
            checkpoint(run);
        }
    }

    /** Train batches published but not yet trained on (no broker round trip). */
    private long lag() {
        return feed.lag();
    }

    /** Ends the epoch with a checkpoint; true when the run is complete. */
    private boolean endEpoch(Run run) throws Exception {
        if (run.session == null) {
            LOG.warnf("end of data for '%s' before any batch; waiting for data", spec.pipeline());
            run.finished.clear();
            return false;
        }
        boolean last = run.progress.epoch() >= spec.train().epochs();
        boolean alreadySaved = run.progress.step() == run.lastCheckpointStep;
        if (last) {
            checkpoints.publish(run.session, run.stats, run.progress, run.progress.epoch(), true,
                    resumePoint(run, true), run.lineage, "completed " + run.progress.epoch() + " epochs");
            LOG.infof("training of '%s' complete: %d epochs, %d steps, %d samples", spec.pipeline(),
                    run.progress.epoch(), run.progress.step(), run.progress.samples());
            return true;
        }
        int ended = run.progress.epoch();
        run.progress.nextEpoch();
        run.finished.clear();
        run.nextOffsets.clear();
        if (!alreadySaved) {
            // Saved as the epoch that ended, resuming at the start of the next one.
            checkpoint(run, ended);
        }
        return false;
    }

    private ResumePoint resumePoint(Run run, boolean complete) {
        List<Integer> finished = new ArrayList<>(run.finished);
        return new ResumePoint(run.progress.epoch(), run.progress.step(), run.progress.samples(),
                Map.copyOf(run.nextOffsets), finished, complete, run.lineage.count(), run.lineage.sha256());
    }
}
