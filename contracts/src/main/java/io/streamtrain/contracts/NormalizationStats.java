package io.streamtrain.contracts;

import java.util.ArrayList;
import java.util.List;

/**
 * The versioned statistics with which raw records become model inputs, on the compacted {@link Topics#STATS}
 * (key: pipeline). The input vector is the numeric features (z-scored) in order, then the one-hot encoding of
 * each categorical feature in order; for regression the target is z-scored with {@code label.mean/std}.
 */
public record NormalizationStats(int schemaVersion, String pipeline, int version, long warmupRecords,
                                 List<NumericFeature> numeric, List<CategoricalFeature> categorical,
                                 LabelInfo label) {

    /** A numeric feature's mean and standard deviation over the warm-up sample. */
    public record NumericFeature(String name, long count, double mean, double std) {
    }

    /** A categorical feature's vocabulary; a value outside it encodes as all zeros. */
    public record CategoricalFeature(String name, List<String> vocabulary) {
    }

    /** Classification: the ordered class names. Regression: the target's mean and standard deviation. */
    public record LabelInfo(String task, List<String> classes, double mean, double std) {
    }

    /** Length of the encoded input vector. */
    public int inputSize() {
        int size = numeric.size();
        for (CategoricalFeature c : categorical) {
            size += c.vocabulary().size();
        }
        return size;
    }

    /** Number of network outputs: one per class, or one for regression. */
    public int outputSize() {
        return "classification".equals(label.task()) ? label.classes().size() : 1;
    }

    /** Names of the encoded input columns, e.g. {@code carat} or {@code cut=Ideal}. */
    public List<String> inputNames() {
        List<String> names = new ArrayList<>();
        numeric.forEach(n -> names.add(n.name()));
        categorical.forEach(c -> c.vocabulary().forEach(v -> names.add(c.name() + "=" + v)));
        return names;
    }
}
