package io.streamtrain.pipeline.features;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.pipeline.spec.FeatureType;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Computes normalization statistics from the warm-up sample. In: canonical records. Out: {@link NormalizationStats}.
 * Feature types come from the spec, or are inferred (numeric when every warm-up value is a number); categorical
 * vocabularies and, unless the spec fixes them, the classes are the sorted distinct values seen.
 */
public final class StatsBuilder {

    private final PipelineSpec spec;
    private final Map<String, Welford> numeric = new LinkedHashMap<>();
    private final Map<String, TreeSet<String>> values = new LinkedHashMap<>();
    private final Map<String, Boolean> allNumeric = new LinkedHashMap<>();
    private final TreeSet<String> classes = new TreeSet<>(NATURAL_ORDER);
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
            if (value instanceof Double d) {
                numeric.get(name).add(d);
                values.get(name).add(String.valueOf(d));
            } else {
                allNumeric.put(name, false);
                values.get(name).add(String.valueOf(value));
            }
        }
        if (spec.classification()) {
            classes.add(String.valueOf(record.label()));
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
        for (String name : values.keySet()) {
            FeatureType type = spec.data().features().get(name);
            if (type == null) {
                type = allNumeric.get(name) ? FeatureType.NUMERIC : FeatureType.CATEGORICAL;
            }
            if (type == FeatureType.NUMERIC) {
                Welford w = numeric.get(name);
                numericStats.add(new NormalizationStats.NumericFeature(name, w.count(), w.mean(), w.std()));
            } else {
                List<String> vocabulary = new ArrayList<>(values.get(name));
                vocabulary.sort(NATURAL_ORDER);
                categorical.add(new NormalizationStats.CategoricalFeature(name, vocabulary));
            }
        }
        NormalizationStats.LabelInfo label = spec.classification()
                ? new NormalizationStats.LabelInfo("classification",
                        spec.data().classes().isEmpty() ? List.copyOf(classes) : spec.data().classes(), 0, 0)
                : new NormalizationStats.LabelInfo("regression", List.of(), target.mean(), target.std());
        return new NormalizationStats(SchemaVersion.CURRENT, spec.pipeline(), version, records, numericStats,
                categorical, label);
    }

    private void track(String name) {
        numeric.computeIfAbsent(name, n -> new Welford());
        values.computeIfAbsent(name, n -> new TreeSet<>());
        allNumeric.putIfAbsent(name, true);
    }

    private static BigDecimal number(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
