package io.streamtrain.model;

import java.util.Map;

/** Metrics of one model on a validation set; the confusion matrix is null for regression. */
public record EvaluationResult(long rows, Map<String, Double> metrics, long[][] confusionMatrix) {
}
