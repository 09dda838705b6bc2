package io.streamtrain.contracts;

import java.util.List;
import java.util.Map;

/**
 * The evaluation of one checkpoint on {@link Topics#EVALUATIONS}: its metrics on {@code validationRows} held-out
 * rows, a confusion matrix for classification (rows: actual class, columns: predicted), and the verdict of the
 * champion gate with its reason.
 */
public record EvaluationEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                              boolean finalCheckpoint, long validationRows, Map<String, Double> metrics,
                              List<String> classes, long[][] confusionMatrix, Verdict verdict, String metric,
                              Double value, Double championValue, String reason, long evaluatedAt) {
}
