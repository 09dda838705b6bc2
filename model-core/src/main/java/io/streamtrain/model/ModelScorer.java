package io.streamtrain.model;

import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.metrics.ClassificationMetrics;
import io.streamtrain.pipeline.metrics.RegressionMetrics;
import java.util.List;

/**
 * Scores a model on validation batches. In: an {@link InferenceModel} and batches. Out: classification metrics
 * with a confusion matrix (prediction = arg-max of the logits), or regression metrics in the target's original
 * units.
 */
public final class ModelScorer {

    private ModelScorer() {
    }

    public static EvaluationResult score(InferenceModel model, List<Batch> batches, FeatureEncoder encoder) {
        if (encoder.classification()) {
            ClassificationMetrics metrics = new ClassificationMetrics(encoder.stats().outputSize());
            for (Batch batch : batches) {
                float[] logits = model.outputs(batch.features(), batch.rows(), batch.cols());
                int k = logits.length / batch.rows();
                for (int r = 0; r < batch.rows(); r++) {
                    metrics.add(batch.classes()[r], argMax(logits, r * k, k));
                }
            }
            return new EvaluationResult(metrics.rows(), metrics.metrics(), metrics.confusionMatrix());
        }
        RegressionMetrics metrics = new RegressionMetrics();
        for (Batch batch : batches) {
            float[] outputs = model.outputs(batch.features(), batch.rows(), batch.cols());
            for (int r = 0; r < batch.rows(); r++) {
                metrics.add(encoder.originalTarget(batch.targets()[r]), encoder.originalTarget(outputs[r]));
            }
        }
        return new EvaluationResult(metrics.rows(), metrics.metrics(), null);
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
