package io.streamtrain.model;

import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.metrics.Predictions;
import java.util.List;

/**
 * Scores a model on validation batches. In: an {@link InferenceModel}, batches, and the encoder of the newest
 * statistics among the model's and the rows' (its class list holds every label; a model trained before a class was
 * learned never predicts it and gives it probability 0). Out: classification metrics
 * with a confusion matrix and per-class scores (prediction = arg-max of the logits, log-loss from their softmax),
 * or regression metrics and residuals in the target's original units; both with the row-by-row predictions.
 */
public final class ModelScorer {

    private ModelScorer() {
    }

    public static EvaluationResult score(InferenceModel model, List<Batch> batches, FeatureEncoder encoder) {
        int rows = 0;
        for (Batch batch : batches) {
            rows += batch.rows();
        }
        if (encoder.classification()) {
            int[] actual = new int[rows];
            int[] predicted = new int[rows];
            double[] actualProbability = new double[rows];
            int at = 0;
            for (Batch batch : batches) {
                float[] logits = model.outputs(batch.features(), batch.rows(), batch.cols());
                int k = logits.length / batch.rows();
                for (int r = 0; r < batch.rows(); r++, at++) {
                    actual[at] = batch.classes()[r];
                    predicted[at] = argMax(logits, r * k, k);
                    // A class learned after this model was trained: it cannot predict it.
                    actualProbability[at] = actual[at] < k ? softmaxAt(logits, r * k, k, actual[at]) : 0;
                }
            }
            Predictions predictions = Predictions.classification(encoder.stats().outputSize(), actual, predicted,
                    actualProbability);
            var metrics = predictions.classificationMetrics();
            return new EvaluationResult(rows, metrics.metrics(), metrics.confusionMatrix(),
                    metrics.perClass(encoder.stats().label().classes()), null, predictions);
        }
        double[] actual = new double[rows];
        double[] predicted = new double[rows];
        int at = 0;
        for (Batch batch : batches) {
            float[] outputs = model.outputs(batch.features(), batch.rows(), batch.cols());
            for (int r = 0; r < batch.rows(); r++, at++) {
                actual[at] = encoder.originalTarget(batch.targets()[r]);
                predicted[at] = encoder.originalTarget(outputs[r]);
            }
        }
        Predictions predictions = Predictions.regression(actual, predicted);
        return new EvaluationResult(rows, predictions.metrics(), null, null, predictions.residuals(), predictions);
    }

    /** The softmax probability of {@code index} among {@code length} logits, computed stably. */
    static double softmaxAt(float[] logits, int offset, int length, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < length; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += Math.exp(logits[offset + i] - max);
        }
        return Math.exp(logits[offset + index] - max) / sum;
    }

    static int argMax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }
}
