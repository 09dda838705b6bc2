package io.streamtrain.pipeline.features;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.FeatureType;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Computes normalization statistics from the warm-up sample. In: canonical records. Out: {@link NormalizationStats}.
 * Feature types come from the spec, or are inferred: numeric when at least {@code preprocess.numericShare} (0.99) of
 * the feature's non-empty warm-up values are finite numbers (so a few stray values cannot retype a column: they are
 * dead-lettered as {@code WRONG_TYPE} when encoded), categorical otherwise or when it has fixed categories; the
 * share that agreed is carried in the statistics ({@code inferredNumericShares}). Vocabularies are the spec's fixed categories or the
 * sorted distinct values seen; classes are the spec's or the sorted distinct labels seen. Missing (null) values
 * do not count; each feature records its missing-value policy and, for categories, the most frequent value.
 */
public final class StatsBuilder {

    private final PipelineSpec spec;
    private final Map<String, Welford> numeric = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> valueCounts = new LinkedHashMap<>();
    private final Map<String, long[]> numbersAndValues = new LinkedHashMap<>();
    private final TreeMap<String, Long> classCounts = new TreeMap<>(NATURAL_ORDER);
    private final Welford target = new Welford();
    private long records;

    /** Orders "2" before "10" when both are numbers, and text alphabetically. */
    static final Comparator<String> NATURAL_ORDER = (a, b) -> {
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            int order = x.compareTo(y);
            return order != 0 ? order : a.compareTo(b);
        }
        if (x != null || y != null) {
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    };

    public StatsBuilder(PipelineSpec spec) {
        this.spec = spec;
        spec.data().features().keySet().forEach(this::track);
    }

    public void add(CanonicalRecord record) {
        records++;
        for (Map.Entry<String, Object> feature : record.features().entrySet()) {
            String name = feature.getKey();
            if (!spec.data().features().isEmpty() && !spec.data().features().containsKey(name)) {
                continue;
            }
            track(name);
            Object value = feature.getValue();
            if (value == null) {
                continue;
            }
            long[] counts = numbersAndValues.get(name);
            counts[1]++;
            if (value instanceof Double d) {
                numeric.get(name).add(d);
                counts[0]++;
            }
            valueCounts.get(name).merge(FeatureEncoder.categoryKey(value), 1L, Long::sum);
        }
        if (spec.classification()) {
            classCounts.merge(String.valueOf(record.label()), 1L, Long::sum);
        } else {
            target.add(((Number) record.label()).doubleValue());
        }
    }

    public long records() {
        return records;
    }

    public NormalizationStats build(int version) {
        List<NormalizationStats.NumericFeature> numericStats = new ArrayList<>();
        List<NormalizationStats.CategoricalFeature> categorical = new ArrayList<>();
        for (String name : valueCounts.keySet()) {
            if (type(name) == FeatureType.NUMERIC) {
                Welford w = numeric.get(name);
                numericStats.add(new NormalizationStats.NumericFeature(name, w.count(), w.mean(), w.std(),
                        spec.data().missingPolicy(name)));
            } else {
                categorical.add(categorical(name));
            }
        }
        NormalizationStats.LabelInfo label = spec.classification() ? classificationLabel()
                : new NormalizationStats.LabelInfo("regression", List.of(), target.mean(), target.std());
        Map<String, Double> shares = new LinkedHashMap<>();
        for (String name : valueCounts.keySet()) {
            if (!spec.data().features().containsKey(name)) {
                shares.put(name, numericShare(name));
            }
        }
        return new NormalizationStats(NormalizationStats.FORMAT_VERSION, spec.pipeline(), version, records,
                numericStats, categorical, label, spec.preprocess().clip(), shares);
    }

    private NormalizationStats.LabelInfo classificationLabel() {
        List<String> classes = spec.data().classes().isEmpty() ? List.copyOf(classCounts.keySet())
                : spec.data().classes();
        List<Long> counts = classes.stream().map(c -> classCounts.getOrDefault(c, 0L)).toList();
        return new NormalizationStats.LabelInfo("classification", classes, 0, 0, counts);
    }

    private FeatureType type(String name) {
        FeatureType declared = spec.data().features().get(name);
        if (declared != null) {
            return declared;
        }
        return numericShare(name) >= spec.preprocess().numericShare() && !spec.data().categories().containsKey(name)
                ? FeatureType.NUMERIC : FeatureType.CATEGORICAL;
    }

    /** The share of the feature's non-empty warm-up values that were numbers (1 when it had none). */
    private double numericShare(String name) {
        long[] counts = numbersAndValues.get(name);
        return counts[1] == 0 ? 1.0 : (double) counts[0] / counts[1];
    }

    private NormalizationStats.CategoricalFeature categorical(String name) {
        Map<String, Long> counts = valueCounts.get(name);
        List<String> vocabulary = spec.data().categories().get(name);
        if (vocabulary == null) {
            vocabulary = new ArrayList<>(counts.keySet());
            vocabulary.sort(NATURAL_ORDER);
        }
        String mostFrequent = null;
        long best = -1;
        for (String value : vocabulary) {
            long count = counts.getOrDefault(value, 0L);
            if (count > best) {
                best = count;
                mostFrequent = value;
            }
        }
        return new NormalizationStats.CategoricalFeature(name, List.copyOf(vocabulary), mostFrequent,
                spec.data().missingPolicy(name));
    }

    private void track(String name) {
        numeric.computeIfAbsent(name, n -> new Welford());
        valueCounts.computeIfAbsent(name, n -> new HashMap<>());
        numbersAndValues.computeIfAbsent(name, n -> new long[2]);
    }

    private static BigDecimal number(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
