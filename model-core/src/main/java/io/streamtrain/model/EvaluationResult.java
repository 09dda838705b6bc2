package io.streamtrain.model;

import io.streamtrain.contracts.ClassScores;
import io.streamtrain.contracts.ResidualSummary;
import io.streamtrain.pipeline.metrics.Predictions;
import java.util.List;
import java.util.Map;

/**
 * Metrics of one model on a validation set: the confusion matrix and per-class scores for classification, the
 * residual summary for regression (the others null), and the row-by-row predictions they come from.
 */
public record EvaluationResult(long rows, Map<String, Double> metrics, long[][] confusionMatrix,
                               List<ClassScores> perClass, ResidualSummary residuals, Predictions predictions) {
}
