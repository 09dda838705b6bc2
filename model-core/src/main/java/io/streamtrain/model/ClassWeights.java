package io.streamtrain.model;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.List;

/**
 * Resolves the spec's class weights against the pipeline's classes. In: {@code train.classWeights} and the
 * statistics (class order and warm-up class counts). Out: one weight per output, or null when every class weighs
 * the same. Balanced weights are {@code total / (classes x count)}, as scikit-learn computes them; a class absent
 * from the warm-up sample weighs 1.
 */
public final class ClassWeights {

    private ClassWeights() {
    }

    public static float[] resolve(PipelineSpec.ClassWeights weights, NormalizationStats stats) {
        if (weights.none()) {
            return null;
        }
        List<String> classes = stats.label().classes();
        float[] resolved = new float[classes.size()];
        if (weights.balanced()) {
            List<Long> counts = stats.label().classCounts();
            if (counts == null || counts.size() != classes.size()) {
                throw new IllegalArgumentException("balanced class weights need the warm-up class counts, which "
                        + "statistics version " + stats.version() + " does not have; re-run preprocessing");
            }
            long total = counts.stream().mapToLong(Long::longValue).sum();
            for (int i = 0; i < resolved.length; i++) {
                long count = counts.get(i);
                resolved[i] = count == 0 ? 1f : (float) ((double) total / (classes.size() * count));
            }
            return resolved;
        }
        for (int i = 0; i < resolved.length; i++) {
            resolved[i] = weights.explicit().getOrDefault(classes.get(i), 1.0).floatValue();
        }
        return resolved;
    }
}
