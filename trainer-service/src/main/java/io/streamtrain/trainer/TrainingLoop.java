package io.streamtrain.trainer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.model.Engines;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PollingThread;
import io.streamtrain.support.kafka.ProgressWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training loop, the same for a trainer alone and for a member of a group. In: batches from its
 * {@link TrainingCoordinator} ({@link SoloCoordinator} without {@code train.sync}, {@link GroupCoordinator} with
 * it), and the pipeline's evaluations. Out: one optimizer step per batch ({@link StepRunner}), progress events
 * and metrics with the real lag, and checkpoints: every {@code train.checkpointEvery} steps, every
 * {@code train.checkpointEverySeconds} when set (which is what gets a slow stream evaluated), at each epoch's end
 * and at the end of the run, always at a point the coordinator reports as consistent.
 *
 * <p>A batch whose loss or gradients are not finite is not applied: with {@code train.onNonFinite: skip} it is
 * counted and reported in the progress events; with {@code stop} the run ends (a group: with its next round) with
 * a final checkpoint of the last finite parameters that says why. With {@code train.patience} the run ends the same
 * way once that many evaluations in a row did not improve the spec's metric. A trainer alone then goes on with the
 * next segment (the data after the next end-of-data marker; see {@link SoloCoordinator}); after a group's run the
 * trainer stays up and keeps applying checkpoint retention as evaluations arrive.
 */
@ApplicationScoped
public class TrainingLoop implements TrainingCoordinator.Checkpoints {

    private static final Logger LOG = Logger.getLogger(TrainingLoop.class);

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final TrainerState state;
    private final int threads;
    private final long prefetchBytes;
    private final int feedNiceness;
    private final TrainingRun run = new TrainingRun();
    private final StepRunner steps;
    private TrainingCoordinator coordinator;
    private EvaluationWatch evaluations;
    private CheckpointSchedule schedule;
    private PollingThread loop;
    private final String instanceId;
    private final ProgressWatch progress;
    private SoleTrainerClaim claim;
    private boolean complete;
    private boolean stopRequested;

    public TrainingLoop(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints,
                        ProgressReporter progressReporter, TrainerMetrics metrics, TrainerState state,
                        @ConfigProperty(name = "streamtrain.trainer.threads") int threads,
                        @ConfigProperty(name = "streamtrain.trainer.prefetch-megabytes") int prefetchMegabytes,
                        @ConfigProperty(name = "streamtrain.trainer.feed-niceness") int feedNiceness,
                        @ConfigProperty(name = "streamtrain.instance-id") String instanceId, ProgressWatch progress) {
        this.instanceId = instanceId;
        this.progress = progress;
        this.prefetchBytes = prefetchMegabytes * 1024L * 1024L;
        this.feedNiceness = ThreadNiceness.requireValid(feedNiceness, "streamtrain.trainer.feed-niceness");
        this.state = state;
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.threads = threads;
        this.steps = new StepRunner(spec, kafka, checkpoints.run().runId(), threads, metrics, progressReporter, state);
    }

    void onStart(@Observes StartupEvent event) {
        try {
            start();
        } catch (SoleTrainerClaim.Refused e) {
            LOG.errorf("trainer-service does not start: %s", e.getMessage());
            state.set(TrainerState.Phase.FAILED, e.getMessage());
            Quarkus.asyncExit(2);
        }
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stop();
    }

    /**
     * Starts the loop on its own thread; fails with {@link SoleTrainerClaim.Refused} when another trainer of the
     * pipeline runs and they do not both sync.
     */
    void start() {
        claim = SoleTrainerClaim.claim(kafka, spec.pipeline(), instanceId, spec.train().sync() != null);
        String client = "trainer-evaluations-" + spec.pipeline();
        if (spec.train().sync() == null) {
            coordinator = new SoloCoordinator(spec, kafka, checkpoints, threads, prefetchBytes, feedNiceness);
        } else {
            String member = GroupMembership.newMemberId();
            client += "-" + member;
            coordinator = new GroupCoordinator(spec, kafka, new GroupStart(spec, kafka, checkpoints, state, threads),
                    member, prefetchBytes, feedNiceness);
        }
        evaluations = new EvaluationWatch(spec, kafka, client, checkpoints);
        loop = PollingThread.start("training-loop", this::run);
    }

    /** Stops the loop (a group member first tells the group it leaves) and waits for it. */
    void stop() throws InterruptedException {
        if (loop == null) {
            return;
        }
        coordinator.leave();
        coordinator.wakeup();
        evaluations.wakeup();
        loop.stop();
        claim.close();
    }

    private void run(PollingThread polling) {
        try {
            Engines.pytorch(threads);
            state.set(TrainerState.Phase.STARTING, "assigning the train batch partitions of '" + spec.pipeline()
                    + "'");
            evaluations.start();
            complete = !coordinator.start(run, this);
            schedule = new CheckpointSchedule(spec.train().checkpointEvery(), spec.train().checkpointEverySeconds(),
                    run.progress.step());
            evaluations.countAfter(run.progress.step());
            String role = spec.train().sync() == null ? "training alone" : "a member of the trainer group";
            state.set(run.started() ? TrainerState.Phase.TRAINING : TrainerState.Phase.WAITING_FOR_DATA, role);
            while (polling.running()) {
                if (complete && !goOnWithNextSegment()) {
                    break;
                }
                DirectBatch batch = coordinator.next(Duration.ofMillis(500));
                if (batch != null && state.phase() == TrainerState.Phase.WAITING_FOR_DATA) {
                    state.set(TrainerState.Phase.TRAINING, role);
                }
                String stop = batch == null ? null : steps.train(run, coordinator, batch);
                if (batch != null) {
                    progress.progressed();
                } else {
                    steps.idle(run, coordinator);
                }
                progress.waiting(coordinator.lag());
                if (stop != null) {
                    requestStop(stop);
                }
                if (!complete) {
                    evaluations.readIfDue(coordinator.prunes());
                    stopEarlyIfDue();
                }
            }
            if (complete) {
                finish(polling);
            }
        } catch (WakeupException | InterruptedException e) {
            // Shutting down.
        } catch (CheckpointPublisher.NonFiniteParametersException e) {
            LOG.errorf("training of '%s' stopped: %s", spec.pipeline(), e.getMessage());
            state.set(TrainerState.Phase.FAILED, e.getMessage());
        } catch (Exception e) {
            state.set(TrainerState.Phase.FAILED, e.toString());
            LOG.error("training stopped; the service exits and a restart continues from the newest checkpoint", e);
            Quarkus.asyncExit(1);
        } finally {
            run.close();
            coordinator.close();
            evaluations.close();
        }
    }

    /**
     * After a segment's final checkpoint: true when the coordinator goes on with the next segment (the trainer
     * waits for its data, and early stopping counts afresh), false when the run is over.
     */
    private boolean goOnWithNextSegment() {
        String next = coordinator.nextSegment();
        if (next == null) {
            return false;
        }
        if (!coordinator.summary().isEmpty()) {
            LOG.info(coordinator.summary());
        }
        complete = false;
        stopRequested = false;
        evaluations.countAfter(run.progress.step());
        state.set(TrainerState.Phase.WAITING_FOR_DATA, next);
        return true;
    }

    /** With {@code train.patience}: ends the run once early stopping says so. */
    private void stopEarlyIfDue() throws IOException {
        String reason = evaluations.stopReason();
        if (reason != null && run.started()) {
            requestStop(reason);
        }
    }

    private void requestStop(String reason) throws IOException {
        if (!stopRequested) {
            stopRequested = true;
            LOG.infof("training of '%s' ends at epoch %d, step %d: %s", spec.pipeline(), run.progress.epoch(),
                    run.progress.step(), reason);
            coordinator.stop(reason);
        }
    }

    /** A consistent point reported by the coordinator: writes the checkpoints that fall due there. */
    @Override
    public void at(TrainingCoordinator.Occasion occasion) throws IOException {
        long step = run.progress.step();
        switch (occasion.kind()) {
            case STEP -> {
                if (!run.started() || !schedule.due(step)) {
                    return;
                }
            }
            case EPOCH_END -> {
                if (schedule.savedAt(step)) {
                    return;
                }
            }
            case FINAL -> complete = true;
        }
        schedule.saved(step);
        if (occasion.writer()) {
            checkpoints.publish(new CheckpointRequest(run.session, run.stats, run.progress, coordinator.lineage(),
                    coordinator.resumePoint(occasion.kind() == TrainingCoordinator.Occasion.Kind.FINAL),
                    occasion.epoch(), occasion.stopReason()));
        }
        if (complete) {
            LOG.infof("training of '%s' complete: epoch %d, %d steps, %d samples (%s)", spec.pipeline(),
                    run.progress.epoch(), step, run.progress.samples(), occasion.stopReason());
        }
    }

    /** The run is over; the trainer stays up and keeps applying checkpoint retention as evaluations arrive. */
    private void finish(PollingThread polling) {
        String summary = coordinator.summary();
        if (!summary.isEmpty()) {
            LOG.info(summary);
        }
        state.set(TrainerState.Phase.COMPLETE, "the run is complete at epoch " + run.progress.epoch() + ", step "
                + run.progress.step());
        coordinator.leave();
        run.close();
        while (polling.running()) {
            evaluations.read(Duration.ofSeconds(1), coordinator.prunes());
        }
    }
}
