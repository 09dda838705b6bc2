package io.streamtrain.evaluator;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.List;
import java.util.Map;

/**
 * Builds the evaluation events of one pipeline's run. In: a checkpoint event and what was decided about it (the gate's
 * decision with the scores, a manual override, or an error). Out: the evaluation event, stamped now.
 */
final class EvaluationEvents {

    private final PipelineSpec spec;
    private final String runId;

    EvaluationEvents(PipelineSpec spec, String runId) {
        this.spec = spec;
        this.runId = runId;
    }

    /** The gate's verdict on the checkpoint's scores; {@code classes} name the confusion matrix's rows. */
    EvaluationEvent decided(CheckpointEvent checkpoint, EvaluationResult result, List<String> classes,
                            GateDecision decision) {
        return new EvaluationEvent(SchemaVersion.CURRENT, spec.pipeline(), checkpoint.checkpointId(),
                checkpoint.epoch(), checkpoint.step(), checkpoint.finalCheckpoint(), result.rows(), result.metrics(),
                result.confusionMatrix() == null ? null : classes, result.confusionMatrix(), decision.verdict(),
                decision.report().metric(), decision.report().value(), decision.report().championValue(),
                decision.reason(), System.currentTimeMillis(), result.perClass(), result.residuals(),
                decision.report(), runId);
    }

    /** A promotion on a person's word; {@code result} is null when there were no validation rows to score on. */
    EvaluationEvent override(CheckpointEvent checkpoint, EvaluationResult result, List<String> classes, String why) {
        String metric = spec.evaluate().metric().key();
        Map<String, Double> metrics = result == null ? Map.of() : result.metrics();
        return new EvaluationEvent(SchemaVersion.CURRENT, spec.pipeline(), checkpoint.checkpointId(),
                checkpoint.epoch(), checkpoint.step(), checkpoint.finalCheckpoint(), result == null ? 0 : result.rows(),
                metrics, result == null || result.confusionMatrix() == null ? null : classes,
                result == null ? null : result.confusionMatrix(), Verdict.PROMOTED, metric, metrics.get(metric), null,
                why, System.currentTimeMillis(), result == null ? null : result.perClass(),
                result == null ? null : result.residuals(), null, runId);
    }

    /**
     * The final checkpoint of a segment that ended at a step already checkpointed: the same model under the same
     * id, whose evaluation stands; it is said again as final, so that the segment's end has its evaluation.
     */
    EvaluationEvent asFinal(EvaluationEvent earlier) {
        return new EvaluationEvent(earlier.schemaVersion(), earlier.pipeline(), earlier.checkpointId(),
                earlier.epoch(), earlier.step(), true, earlier.validationRows(), earlier.metrics(), earlier.classes(),
                earlier.confusionMatrix(), earlier.verdict(), earlier.metric(), earlier.value(),
                earlier.championValue(), "final checkpoint, the model evaluated at this step: " + earlier.reason(),
                System.currentTimeMillis(), earlier.perClass(), earlier.residuals(), earlier.gate(), runId);
    }

    /** An ERROR verdict: the checkpoint could not be scored, for {@code reason}. */
    EvaluationEvent error(CheckpointEvent checkpoint, String reason) {
        return new EvaluationEvent(SchemaVersion.CURRENT, spec.pipeline(), checkpoint.checkpointId(),
                checkpoint.epoch(), checkpoint.step(), checkpoint.finalCheckpoint(), 0, Map.of(), null, null,
                Verdict.ERROR, spec.evaluate().metric().key(), null, null, reason, System.currentTimeMillis(), null,
                null, null, runId);
    }
}
