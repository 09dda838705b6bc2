package io.streamtrain.evaluator;

import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.Engines;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.model.InferenceModel;
import io.streamtrain.model.ModelScorer;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.spec.Metric;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Evaluates each checkpoint. In: checkpoint events from {@code streamtrain.checkpoints.v1}. Out: an evaluation
 * event with the checkpoint's metrics on the validation set and the gate's verdict; when it beats the champion
 * (both scored on the same rows), the new champion on {@code streamtrain.models.v1}. A final checkpoint is
 * scored only on the complete validation set. A checkpoint that cannot be read gets an ERROR verdict. Each
 * checkpoint is evaluated once: one delivered again (a restart before its offset was committed) is skipped.
 */
@ApplicationScoped
public class CheckpointEvaluator {

    private static final Logger LOG = Logger.getLogger(CheckpointEvaluator.class);

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final ServingModel serving;
    private final ValidationSet validation;
    private final EvaluationPublisher publisher;
    private final EvaluationHistory history;
    private final int threads;
    private final Duration finalWait;
    private Champion champion;
    private final CheckpointLoader checkpoints;
    private final StatsLookup statsLookup;
    private final RowLayouts layouts;
    private final EvaluationEvents events;

    public CheckpointEvaluator(PipelineSpec spec, PipelineRun run, ServingModel serving, ValidationSet validation,
                               EvaluationPublisher publisher, EvaluationHistory history, CheckpointLoader checkpoints,
                               KafkaSettings kafka,
                               @ConfigProperty(name = "streamtrain.evaluator.threads") int threads,
                               @ConfigProperty(name = "streamtrain.evaluator.final-wait") Duration finalWait) {
        this.checkpoints = checkpoints;
        this.statsLookup = new StatsLookup(kafka, run.runId());
        this.layouts = new RowLayouts(spec.pipeline(), statsLookup);
        this.spec = spec;
        this.run = run;
        this.events = new EvaluationEvents(spec, run.runId());
        this.serving = serving;
        this.validation = validation;
        this.publisher = publisher;
        this.history = history;
        this.threads = threads;
        this.finalWait = finalWait;
    }

    /**
     * Loads the PyTorch engine now rather than at the first checkpoint (bench/evaluator.sh: the first verdict
     * after a start came after 1.3 s instead of 1.8 to 2.2 s), and restores the champion from the registry, so a
     * restart compares new checkpoints with it.
     */
    void onStart(@Observes StartupEvent event) {
        Engines.pytorch(threads);
        restoreChampion();
    }

    /**
     * Catches up with the topics when this instance is given the checkpoints (another replica may have evaluated
     * and promoted since it started): the evaluated checkpoints and the registered champion.
     */
    synchronized void resume() {
        history.reload();
        restoreChampion();
    }

    private synchronized void restoreChampion() {
        history.champion().filter(latest -> champion == null
                || !champion.model().checkpointId().equals(latest.checkpointId())).ifPresent(latest -> {
            try {
                Champion restored = new Champion(latest, checkpoints.load(latest.path(), latest.sha256()));
                if (champion != null) {
                    champion.network().close();
                }
                champion = restored;
                LOG.infof("restored champion %s of '%s'", latest.checkpointId(), spec.pipeline());
            } catch (Exception e) {
                LOG.warnf("cannot load the registered champion %s (%s); the next checkpoint that passes becomes "
                        + "champion", latest.checkpointId(), e.getMessage());
            }
        });
    }

    /** Evaluates one checkpoint event from {@link CheckpointFeed}, unless it has been evaluated before. */
    void onCheckpoint(byte[] payload) throws InterruptedException {
        CheckpointEvent checkpoint;
        try {
            checkpoint = EventCodec.fromBytes(payload, CheckpointEvent.class);
        } catch (IllegalArgumentException e) {
            LOG.warnf("skipping an unreadable checkpoint event: %s", e.getMessage());
            return;
        }
        if (!spec.pipeline().equals(checkpoint.pipeline()) || decidedBefore(checkpoint)) {
            return;
        }
        if (checkpoint.finalCheckpoint() && !validation.awaitComplete(finalWait)) {
            LOG.warnf("validation set still incomplete after %s; scoring final checkpoint %s on %d rows",
                    finalWait, checkpoint.checkpointId(), validation.rows());
        }
        validation.awaitRows(finalWait);
        synchronized (this) {
            if (!decidedBefore(checkpoint)) {
                publisher.evaluation(evaluate(checkpoint, validation.snapshot()));
            }
        }
    }

    /**
     * True, with a log line, when the checkpoint has an evaluation already (on the topic, so also from before a
     * restart) or is the champion: it was delivered again and is not scored again, nor against itself. A final
     * checkpoint with the id of one evaluated before gets that evaluation again, marked final.
     */
    private synchronized boolean decidedBefore(CheckpointEvent checkpoint) {
        EvaluationEvent earlier = history.latestOf(checkpoint.checkpointId()).orElse(null);
        if (checkpoint.finalCheckpoint() && earlier != null && !earlier.finalCheckpoint()) {
            // A segment that ended at a step already checkpointed: the same model, its evaluation said as final.
            publisher.evaluation(events.asFinal(earlier));
            return true;
        }
        boolean evaluated = earlier != null;
        boolean isChampion = champion != null && champion.model().checkpointId().equals(checkpoint.checkpointId());
        if (evaluated || isChampion) {
            LOG.infof("checkpoint %s of '%s' delivered again; it %s: skipped", checkpoint.checkpointId(),
                    spec.pipeline(), evaluated ? "has its evaluation already" : "is the champion");
        }
        return evaluated || isChampion;
    }

    /**
     * Makes a checkpoint the champion on a person's word ({@code POST /pipelines/{name}/champion}): its digest is
     * checked and it is scored on the current validation rows, then it is published as champion with the reason,
     * and an evaluation event records the override. Throws when the checkpoint cannot be loaded; then nothing is
     * published.
     */
    synchronized EvaluationEvent override(CheckpointEvent checkpoint, String reason) throws Exception {
        InferenceModel network = checkpoints.load(checkpoint.path(), checkpoint.sha256());
        List<Batch> rows = validation.snapshot();
        NormalizationStats scoring = rows.isEmpty() ? null : scoringStats(network, rows);
        EvaluationResult result = rows.isEmpty() ? null : ModelScorer.score(network,
                layouts.inLayoutOf(network.manifest().stats(), rows), new FeatureEncoder(scoring));
        String why = "manual override: " + reason;
        crown(checkpoint, network, result == null ? Map.of() : result.metrics(), ModelEvent.BY_OVERRIDE, reason);
        EvaluationEvent event = events.override(checkpoint, result, scoring == null ? null
                : scoring.label().classes(), why);
        publisher.evaluation(event);
        LOG.infof("checkpoint %s is champion of '%s' by %s", checkpoint.checkpointId(), spec.pipeline(), why);
        return event;
    }

    /** Publishes {@code network} as the champion and keeps it to score later checkpoints against. */
    private void crown(CheckpointEvent checkpoint, InferenceModel network, Map<String, Double> metrics,
                       String promotedBy, String reason) {
        ModelEvent model = new ModelEvent(SchemaVersion.CURRENT, spec.pipeline(), checkpoint.checkpointId(),
                checkpoint.path(), checkpoint.sha256(), checkpoint.epoch(), checkpoint.step(), checkpoint.specHash(),
                metrics, network.manifest().stats(), System.currentTimeMillis(), promotedBy, reason,
                run.runId());
        publisher.champion(model);
        serving.switchTo(model);
        if (champion != null) {
            champion.network().close();
        }
        champion = new Champion(model, network);
    }

    private synchronized EvaluationEvent evaluate(CheckpointEvent checkpoint, List<Batch> rows) {
        Metric metric = spec.evaluate().metric();
        InferenceModel network;
        try {
            network = checkpoints.load(checkpoint.path(), checkpoint.sha256());
        } catch (Exception e) {
            LOG.errorf("checkpoint %s cannot be evaluated: %s", checkpoint.checkpointId(), e.getMessage());
            return events.error(checkpoint, "cannot load the checkpoint: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            network.close();
            return events.error(checkpoint, "no validation rows to evaluate on");
        }
        FeatureEncoder encoder = new FeatureEncoder(scoringStats(network, rows));
        EvaluationResult result;
        EvaluationResult championResult;
        try {
            result = ModelScorer.score(network, layouts.inLayoutOf(network.manifest().stats(), rows), encoder);
            championResult = champion == null ? null : ModelScorer.score(champion.network(),
                    layouts.inLayoutOf(champion.network().manifest().stats(), rows), encoder);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            network.close();
            return events.error(checkpoint, "interrupted while reading the statistics of the validation rows");
        }
        GateDecision decision = GateDecision.decide(spec.evaluate(), spec.train().seed(), result, championResult);
        if (decision.verdict() == Verdict.PROMOTED) {
            crown(checkpoint, network, result.metrics(), ModelEvent.BY_GATE, decision.reason());
        } else {
            network.close();
        }
        LOG.infof("checkpoint %s: %s = %.4f on %d rows: %s", checkpoint.checkpointId(), metric.key(),
                result.metrics().get(metric.key()), result.rows(), decision.verdict());
        return events.decided(checkpoint, result, encoder.stats().label().classes(), decision);
    }

    /**
     * The statistics the rows are scored with: the newest of the checkpoint's, the champion's and the rows' own.
     * Classes only ever grow (appended), so its class list holds every label, and a model trained before a class
     * was learned is scored on that class too (it cannot predict it).
     */
    private NormalizationStats scoringStats(InferenceModel network, List<Batch> rows) {
        NormalizationStats newest = network.manifest().stats();
        if (champion != null && champion.network().manifest().stats().version() > newest.version()) {
            newest = champion.network().manifest().stats();
        }
        int rowsVersion = rows.stream().mapToInt(Batch::statsVersion).max().orElse(0);
        if (rowsVersion > newest.version()) {
            try {
                newest = statsLookup.await(spec.pipeline(), rowsVersion, Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warnf("statistics version %d of '%s' not found (%s); scoring with version %d", rowsVersion,
                        spec.pipeline(), e.getMessage(), newest.version());
            }
        }
        return newest;
    }
}
