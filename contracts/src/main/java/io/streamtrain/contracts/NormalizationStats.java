package io.streamtrain.contracts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The versioned statistics with which raw records become model inputs, on the compacted {@link Topics#STATS}
 * (key: pipeline). They are also the pipeline's inferred schema: which features are numeric and which
 * categorical. The input vector is the numeric features (z-scored, then clipped to +/- {@code clip} when set) in
 * order, then for each categorical feature in order a one-hot block of its vocabulary plus one last
 * {@code unknown} slot for values outside it. For regression the target is z-scored with {@code label.mean/std}.
 * Each feature says what a missing value becomes ({@link #REJECT}, {@link #MEAN}, {@link #MOST_FREQUENT}).
 *
 * <p>Format version 2 adds {@code inferredNumericShares}: for every feature whose type was inferred (not fixed by
 * {@code data.features}), the share of its non-empty warm-up values that were finite numbers; numeric when that
 * share reached {@code preprocess.numericShare}; and, for classes and vocabulary values learned after the warm-up,
 * the version that learned each ({@code label.classesLearnedIn}, {@code categorical[].learnedIn}), from which
 * {@link #asOf} rebuilds any earlier version. Version 1 events have none.
 */
public record NormalizationStats(int schemaVersion, String pipeline, int version, long warmupRecords,
                                 List<NumericFeature> numeric, List<CategoricalFeature> categorical,
                                 LabelInfo label, Double clip, Map<String, Double> inferredNumericShares) {

    /** The format version of the statistics events this release writes. */
    public static final int FORMAT_VERSION = 2;

    public NormalizationStats(int schemaVersion, String pipeline, int version, long warmupRecords,
                              List<NumericFeature> numeric, List<CategoricalFeature> categorical, LabelInfo label,
                              Double clip) {
        this(schemaVersion, pipeline, version, warmupRecords, numeric, categorical, label, clip, null);
    }

    public static final String REJECT = "reject";
    public static final String MEAN = "mean";
    public static final String MOST_FREQUENT = "most_frequent";
    /** The name of the last slot of each categorical block, for values outside the vocabulary. */
    public static final String UNKNOWN = "<unknown>";

    public NormalizationStats(int schemaVersion, String pipeline, int version, long warmupRecords,
                              List<NumericFeature> numeric, List<CategoricalFeature> categorical, LabelInfo label) {
        this(schemaVersion, pipeline, version, warmupRecords, numeric, categorical, label, null);
    }

    /** A numeric feature's mean and standard deviation over the warm-up sample, and its missing-value policy. */
    public record NumericFeature(String name, long count, double mean, double std, String missing) {

        public NumericFeature(String name, long count, double mean, double std) {
            this(name, count, mean, std, REJECT);
        }

        public boolean imputed() {
            return MEAN.equals(missing);
        }
    }

    /**
     * A categorical feature's vocabulary, its most frequent value, its missing-value policy, and for each value the
     * statistics version that learned it ({@code learnedIn}; null when every value came from the warm-up).
     */
    public record CategoricalFeature(String name, List<String> vocabulary, String mostFrequent, String missing,
                                     List<Integer> learnedIn) {

        public CategoricalFeature(String name, List<String> vocabulary, String mostFrequent, String missing) {
            this(name, vocabulary, mostFrequent, missing, null);
        }

        public CategoricalFeature(String name, List<String> vocabulary) {
            this(name, vocabulary, vocabulary.isEmpty() ? null : vocabulary.get(0), REJECT);
        }

        /** The values known at statistics {@code version}: those learned then or before. */
        CategoricalFeature asOf(int version) {
            if (learnedIn == null) {
                return this;
            }
            int known = (int) learnedIn.stream().filter(v -> v <= version).count();
            return new CategoricalFeature(name, vocabulary.subList(0, known), mostFrequent, missing,
                    learnedIn.subList(0, known));
        }

        public boolean imputed() {
            return MOST_FREQUENT.equals(missing);
        }
    }

    /**
     * Classification: the ordered class names and how often each occurred in the warm-up sample (for balanced
     * class weights; absent in statistics from before it was recorded). Regression: the target's mean and
     * standard deviation.
     */
    public record LabelInfo(String task, List<String> classes, double mean, double std, List<Long> classCounts,
                            List<Integer> classesLearnedIn) {

        public LabelInfo(String task, List<String> classes, double mean, double std, List<Long> classCounts) {
            this(task, classes, mean, std, classCounts, null);
        }

        public LabelInfo(String task, List<String> classes, double mean, double std) {
            this(task, classes, mean, std, null);
        }

        /** The classes known at statistics {@code version}: those learned then or before. */
        LabelInfo asOf(int version) {
            if (classesLearnedIn == null) {
                return this;
            }
            int known = (int) classesLearnedIn.stream().filter(v -> v <= version).count();
            return new LabelInfo(task, classes.subList(0, known), mean, std,
                    classCounts == null ? null : classCounts.subList(0, known), classesLearnedIn.subList(0, known));
        }
    }

    /**
     * These statistics as they were at an earlier {@code version}: the classes and vocabulary values learned after
     * it left out. Classes and values are only ever appended, so this is exactly that version's layout, whatever
     * the compacted statistics topic still holds.
     */
    public NormalizationStats asOf(int earlier) {
        if (earlier >= version) {
            return this;
        }
        return new NormalizationStats(schemaVersion, pipeline, earlier, warmupRecords, numeric,
                categorical.stream().map(c -> c.asOf(earlier)).toList(), label.asOf(earlier), clip,
                inferredNumericShares);
    }

    /** Length of the encoded input vector. */
    public int inputSize() {
        int size = numeric.size();
        for (CategoricalFeature c : categorical) {
            size += c.vocabulary().size() + 1;
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
        for (CategoricalFeature c : categorical) {
            c.vocabulary().forEach(v -> names.add(c.name() + "=" + v));
            names.add(c.name() + "=" + UNKNOWN);
        }
        return names;
    }
}
