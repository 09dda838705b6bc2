package io.streamtrain.contracts;

import java.util.List;
import java.util.Map;

/**
 * The evaluation of one checkpoint on {@link Topics#EVALUATIONS}: its metrics on {@code validationRows} held-out
 * rows, a confusion matrix and per-class scores for classification (rows: actual class, columns: predicted), a
 * residual summary for regression, and the verdict of the champion gate with its reason in words and as data
 * ({@code gate}). {@code runId} names the run of the checkpoint (null without run ids, and from older evaluators).
 */
public record EvaluationEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                              boolean finalCheckpoint, long validationRows, Map<String, Double> metrics,
                              List<String> classes, long[][] confusionMatrix, Verdict verdict, String metric,
                              Double value, Double championValue, String reason, long evaluatedAt,
                              List<ClassScores> perClass, ResidualSummary residuals, GateReport gate,
                              String runId) {

    public EvaluationEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                           boolean finalCheckpoint, long validationRows, Map<String, Double> metrics,
                           List<String> classes, long[][] confusionMatrix, Verdict verdict, String metric,
                           Double value, Double championValue, String reason, long evaluatedAt,
                           List<ClassScores> perClass, ResidualSummary residuals, GateReport gate) {
        this(schemaVersion, pipeline, checkpointId, epoch, step, finalCheckpoint, validationRows, metrics, classes,
                confusionMatrix, verdict, metric, value, championValue, reason, evaluatedAt, perClass, residuals, gate,
                null);
    }

    public EvaluationEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                           boolean finalCheckpoint, long validationRows, Map<String, Double> metrics,
                           List<String> classes, long[][] confusionMatrix, Verdict verdict, String metric,
                           Double value, Double championValue, String reason, long evaluatedAt) {
        this(schemaVersion, pipeline, checkpointId, epoch, step, finalCheckpoint, validationRows, metrics, classes,
                confusionMatrix, verdict, metric, value, championValue, reason, evaluatedAt, null, null, null);
    }
}
