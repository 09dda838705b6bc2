package io.streamtrain.pipeline.features;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.pipeline.ingest.Rejection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a canonical record into the network's input, exactly as in training, for the preprocessor and for
 * prediction on raw input alike. In: feature values (Double, String, or null when missing) and a label. Out: a
 * float vector (z-scored numerics, clipped when the statistics say so, then one-hot categoricals with a last slot
 * for values outside the vocabulary; a missing value imputed by the feature's policy), a class index or a
 * z-scored target; or a {@link Rejection} when a value does not fit the statistics.
 */
public final class FeatureEncoder {

    private final NormalizationStats stats;
    private final List<Map<String, Integer>> vocabularyIndex;
    private final Map<String, Integer> classIndex = new HashMap<>();
    private final int inputSize;

    public FeatureEncoder(NormalizationStats stats) {
        this.stats = stats;
        this.inputSize = stats.inputSize();
        this.vocabularyIndex = stats.categorical().stream().map(c -> {
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < c.vocabulary().size(); i++) {
                index.put(c.vocabulary().get(i), i);
            }
            return index;
        }).toList();
        List<String> classes = stats.label().classes();
        for (int i = 0; i < classes.size(); i++) {
            classIndex.put(classes.get(i), i);
        }
    }

    public NormalizationStats stats() {
        return stats;
    }

    public int inputSize() {
        return inputSize;
    }

    public boolean classification() {
        return "classification".equals(stats.label().task());
    }

    /** Writes the encoded features at {@code out[offset..offset+inputSize)}; returns null or the problem. */
    public Rejection encodeFeatures(Map<String, Object> features, float[] out, int offset) {
        int position = offset;
        for (NormalizationStats.NumericFeature feature : stats.numeric()) {
            Object value = features.get(feature.name());
            if (value == null) {
                if (!feature.imputed()) {
                    return missing(feature.name());
                }
                out[position++] = 0f;
                continue;
            }
            if (!(value instanceof Number number)) {
                return new Rejection(ReasonCode.WRONG_TYPE, feature.name(), "the numeric feature '" + feature.name()
                        + "' got the text \"" + value + "\"");
            }
            double std = feature.std() > 1e-12 ? feature.std() : 1.0;
            double z = (number.doubleValue() - feature.mean()) / std;
            if (stats.clip() != null) {
                z = Math.max(-stats.clip(), Math.min(stats.clip(), z));
            }
            out[position++] = (float) z;
        }
        for (int c = 0; c < stats.categorical().size(); c++) {
            NormalizationStats.CategoricalFeature feature = stats.categorical().get(c);
            Object value = features.get(feature.name());
            if (value == null) {
                if (!feature.imputed() || feature.mostFrequent() == null) {
                    return missing(feature.name());
                }
                value = feature.mostFrequent();
            }
            int size = feature.vocabulary().size() + 1;
            java.util.Arrays.fill(out, position, position + size, 0f);
            Integer index = vocabularyIndex.get(c).get(categoryKey(value));
            out[position + (index != null ? index : size - 1)] = 1f;
            position += size;
        }
        return null;
    }

    private static Rejection missing(String feature) {
        return new Rejection(ReasonCode.MISSING_VALUE, feature, "the feature '" + feature + "' is missing");
    }

    /** Whether the value is in the vocabulary of the {@code categorical}-th categorical feature. */
    public boolean inVocabulary(int categorical, Object value) {
        return vocabularyIndex.get(categorical).containsKey(categoryKey(value));
    }

    /** The class index of a label, or -1 when the label is not one of the classes. */
    public int classOf(Object label) {
        Integer index = classIndex.get(String.valueOf(label));
        return index == null ? -1 : index;
    }

    /** The regression target in the units the network learns (z-scored). */
    public float standardizeTarget(double value) {
        double std = stats.label().std() > 1e-12 ? stats.label().std() : 1.0;
        return (float) ((value - stats.label().mean()) / std);
    }

    /** A network output back in the target's original units. */
    public double originalTarget(double standardized) {
        double std = stats.label().std() > 1e-12 ? stats.label().std() : 1.0;
        return standardized * std + stats.label().mean();
    }

    /** The vocabulary key of a categorical value: the same text during warm-up and encoding. */
    public static String categoryKey(Object value) {
        return String.valueOf(value);
    }
}
