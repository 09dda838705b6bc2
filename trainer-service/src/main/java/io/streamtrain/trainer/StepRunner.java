package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.StepResult;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.features.InputLayout;
import io.streamtrain.pipeline.spec.NonFinitePolicy;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.StatsLookup;
import java.io.IOException;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * One optimizer step per batch, the same alone and in a group. In: a batch from the coordinator and the run it
 * belongs to (the session is made from the batch's statistics on the first one). Out: the step applied and
 * counted (progress, metrics, progress events with the coordinator's lag; a batch of an older statistics version
 * widened to the network's inputs, and one of a newer version growing the network first), or a batch not applied
 * with the reason:
 * its loss or gradients were not finite ({@code train.onNonFinite}), or the statistics know a single class, which
 * leaves nothing to learn (every gradient would be zero). The coordinator learns how each batch went.
 */
final class StepRunner {

    private static final Logger LOG = Logger.getLogger(StepRunner.class);

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final String runId;
    private final int threads;
    private final TrainerMetrics metrics;
    private final ProgressReporter progressReporter;
    private final TrainerState state;

    StepRunner(PipelineSpec spec, KafkaSettings kafka, String runId, int threads, TrainerMetrics metrics,
               ProgressReporter progressReporter, TrainerState state) {
        this.spec = spec;
        this.kafka = kafka;
        this.runId = runId;
        this.threads = threads;
        this.metrics = metrics;
        this.progressReporter = progressReporter;
        this.state = state;
    }

    /** Trains on {@code batch}; returns why the run must stop ({@code onNonFinite: stop}), or null. */
    String train(TrainingRun run, TrainingCoordinator coordinator, DirectBatch batch) throws Exception {
        NormalizationStats stats = run.started() && batch.statsVersion() <= run.stats.version() ? run.stats
                : new StatsLookup(kafka, runId).await(spec.pipeline(), batch.statsVersion(), Duration.ofSeconds(60))
                        .asOf(batch.statsVersion());
        if (singleClass(stats)) {
            notTrainable(run, coordinator, batch, stats);
            return null;
        }
        if (!run.started()) {
            run.begin(stats, new TrainingSession(spec, stats, threads));
            LOG.infof("training '%s': %d inputs, hidden %s, %d outputs", spec.pipeline(), stats.inputSize(),
                    spec.model().hidden(), stats.outputSize());
            state.set(TrainerState.Phase.TRAINING, "training");
        } else if (stats != run.stats) {
            grow(run, stats);
        }
        long start = System.nanoTime();
        StepResult result = batch.cols() == stats.inputSize() ? run.session.step(batch, run.progress.step() + 1)
                : run.session.step(widened(batch, stats), run.progress.step() + 1);
        long took = System.nanoTime() - start;
        if (result.applied()) {
            run.progress.recordStep(batch.rows(), result.loss(), took);
            metrics.step(batch.rows());
            progressReporter.step(run.progress, batch.rows(), result.loss(), took, coordinator::lag);
            coordinator.stepped(batch, true, result.loss());
            return null;
        }
        String reason = "batch " + batch.batchId() + " after step " + run.progress.step() + ": "
                + result.skipReason();
        skipped(run, coordinator, batch, reason);
        if (spec.train().onNonFinite() == NonFinitePolicy.SKIP) {
            LOG.warnf("skipped %s (train.onNonFinite: skip; %d skipped so far)", reason, run.progress.skipped());
            return null;
        }
        return "non-finite step, " + reason + " (train.onNonFinite: stop)";
    }

    /**
     * The first batch of a newer statistics version (classes learned after the warm-up): the network grows its
     * output layer, keeping every parameter and the optimizer's state, and training goes on with it.
     */
    static void grow(TrainingRun run, NormalizationStats stats, PipelineSpec spec, int threads) {
        TrainingSession grown = new TrainingSession(spec, stats, threads);
        try {
            grown.importGrown(run.session.exportState(), run.stats);
        } catch (RuntimeException e) {
            grown.close();
            throw e;
        }
        LOG.infof("statistics version %d of '%s': classes %s; the network grows from %d to %d outputs and from %d to"
                + " %d inputs", stats.version(), spec.pipeline(), stats.label().classes(), run.stats.outputSize(),
                stats.outputSize(), run.stats.inputSize(), stats.inputSize());
        run.session.close();
        run.begin(stats, grown);
    }

    private void grow(TrainingRun run, NormalizationStats stats) {
        grow(run, stats, spec, threads);
    }

    /**
     * A batch encoded before a categorical value was learned (an earlier version, fewer inputs), in the layout of
     * the network's statistics: zero in the new values' slots.
     */
    private static Batch widened(DirectBatch batch, NormalizationStats current) {
        NormalizationStats encodedWith = current.asOf(batch.statsVersion());
        float[] features = new float[batch.rows() * batch.cols()];
        batch.features().asFloatBuffer().get(features);
        float[] wide = InputLayout.convert(features, batch.rows(), encodedWith, current);
        int[] classes = null;
        float[] targets = null;
        if (batch.classification()) {
            classes = new int[batch.rows()];
            batch.labels().asIntBuffer().get(classes);
        } else {
            targets = new float[batch.rows()];
            batch.labels().asFloatBuffer().get(targets);
        }
        return new Batch(batch.pipeline(), batch.batchId(), current.version(), batch.rows(), current.inputSize(), wide,
                classes, targets);
    }

    /** A classifier whose statistics know a single class has nothing to learn. */
    private static boolean singleClass(NormalizationStats stats) {
        return "classification".equals(stats.label().task()) && stats.label().classes().size() < 2;
    }

    /** Counts a batch that cannot be trained yet and says why: in the health check, the log and the progress. */
    private void notTrainable(TrainingRun run, TrainingCoordinator coordinator, DirectBatch batch,
                              NormalizationStats stats) throws IOException {
        String reason = "statistics version " + stats.version() + " of '" + spec.pipeline() + "' hold a single class "
                + stats.label().classes() + ": nothing to learn until a second class arrives (its rows are"
                + " dead-lettered as UNKNOWN_CLASS); batch " + batch.batchId() + " not trained";
        if (run.progress.skipped() == 0) {
            LOG.warn(reason);
        }
        state.set(TrainerState.Phase.WAITING_FOR_DATA, reason);
        skipped(run, coordinator, batch, reason);
    }

    private void skipped(TrainingRun run, TrainingCoordinator coordinator, DirectBatch batch, String reason)
            throws IOException {
        run.progress.recordSkip(reason);
        metrics.skipped();
        progressReporter.skipped(run.progress, coordinator::lag);
        coordinator.stepped(batch, false, Float.NaN);
    }

    /** Nothing to train just now: the progress not yet reported goes out. */
    void idle(TrainingRun run, TrainingCoordinator coordinator) {
        progressReporter.idle(run.progress, coordinator::lag);
    }
}
