package io.streamtrain.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FeatureEncodingTest {

    private static final PipelineSpec REGRESSION = SpecLoader.parse("""
            pipeline: d
            data: {label: price, task: regression}
            """);

    @Test
    void statsInferTypesAndZScoreNumerics() {
        StatsBuilder builder = new StatsBuilder(REGRESSION);
        builder.add(record(Map.of("carat", 1.0, "cut", "Ideal"), 100.0));
        builder.add(record(Map.of("carat", 3.0, "cut", "Good"), 300.0));
        NormalizationStats stats = builder.build(1);

        assertThat(stats.numeric()).singleElement().satisfies(n -> {
            assertThat(n.name()).isEqualTo("carat");
            assertThat(n.mean()).isEqualTo(2.0);
            assertThat(n.std()).isEqualTo(1.0);
        });
        assertThat(stats.categorical()).singleElement()
                .satisfies(c -> assertThat(c.vocabulary()).containsExactly("Good", "Ideal"));
        assertThat(stats.inputSize()).isEqualTo(4);
        assertThat(stats.inputNames()).containsExactly("carat", "cut=Good", "cut=Ideal", "cut=<unknown>");

        FeatureEncoder encoder = new FeatureEncoder(stats);
        float[] out = new float[4];
        assertThat(encoder.encodeFeatures(Map.of("carat", 4.0, "cut", "Ideal"), out, 0)).isNull();
        assertThat(out).containsExactly(2f, 0f, 1f, 0f);
        // A category first seen after warm-up goes to the unknown slot.
        assertThat(encoder.encodeFeatures(Map.of("carat", 2.0, "cut", "Fair"), out, 0)).isNull();
        assertThat(out).containsExactly(0f, 0f, 0f, 1f);
        assertThat(encoder.standardizeTarget(300.0)).isEqualTo(1f);
        assertThat(encoder.originalTarget(-1.0)).isCloseTo(100.0, within(1e-9));
    }

    @Test
    void valuesThatDoNotFitTheStatsAreRejected() {
        StatsBuilder builder = new StatsBuilder(REGRESSION);
        builder.add(record(Map.of("carat", 1.0), 1.0));
        FeatureEncoder encoder = new FeatureEncoder(builder.build(1));
        float[] out = new float[1];
        Rejection text = encoder.encodeFeatures(Map.of("carat", "big"), out, 0);
        assertThat(text.reason()).isEqualTo(ReasonCode.WRONG_TYPE);
        assertThat(encoder.encodeFeatures(Map.of(), out, 0).reason()).isEqualTo(ReasonCode.MISSING_VALUE);
    }

    @Test
    void aFewStrayValuesDoNotRetypeANumericColumnButManyMakeItCategorical() {
        PipelineSpec spec = SpecLoader.parse("pipeline: s\ndata: {label: y, task: regression}\n");
        StatsBuilder builder = new StatsBuilder(spec);
        for (int i = 0; i < 1_000; i++) {
            Object stray = i % 200 == 7 ? "abc" : (Object) (double) i;
            Object half = i % 2 == 0 ? "red" : (Object) (double) i;
            builder.add(record(Map.of("mostly", stray, "half", half), i));
        }
        NormalizationStats stats = builder.build(1);
        assertThat(stats.numeric()).extracting(NormalizationStats.NumericFeature::name).containsExactly("mostly");
        assertThat(stats.categorical()).extracting(NormalizationStats.CategoricalFeature::name)
                .containsExactly("half");
        assertThat(stats.inferredNumericShares()).containsEntry("mostly", 0.995).containsEntry("half", 0.5);
        assertThat(stats.schemaVersion()).isEqualTo(NormalizationStats.FORMAT_VERSION);
        // The strays themselves are dead-lettered when encoded, naming the field and the value.
        Rejection stray = new FeatureEncoder(stats).encodeFeatures(Map.of("mostly", "abc", "half", "red"),
                new float[stats.numeric().size() + 3 + 1 + 500], 0);
        assertThat(stray.reason()).isEqualTo(ReasonCode.WRONG_TYPE);
        assertThat(stray.field()).isEqualTo("mostly");
        assertThat(stray.detail()).contains("\"abc\"");
        PipelineSpec strict = SpecLoader.parse("pipeline: s\ndata: {label: y, task: regression}\n"
                + "preprocess: {numericShare: 1.0}\n");
        StatsBuilder strictBuilder = new StatsBuilder(strict);
        strictBuilder.add(record(Map.of("mostly", "abc"), 1));
        strictBuilder.add(record(Map.of("mostly", 2.0), 2));
        assertThat(strictBuilder.build(1).categorical()).hasSize(1);
    }

    @Test
    void classesAreLearnedInNaturalOrderUnlessFixed() {
        PipelineSpec learned = SpecLoader.parse("pipeline: c\ndata: {label: y, task: classification}\n");
        StatsBuilder builder = new StatsBuilder(learned);
        for (String label : List.of("10", "2", "2", "1")) {
            builder.add(new CanonicalRecord(1, "c", label, label, Map.of("x", 1.0), null));
        }
        FeatureEncoder encoder = new FeatureEncoder(builder.build(1));
        assertThat(encoder.stats().label().classes()).containsExactly("1", "2", "10");
        assertThat(encoder.classOf("10")).isEqualTo(2);
        assertThat(encoder.classOf("3")).isEqualTo(-1);

        PipelineSpec fixed = SpecLoader.parse("pipeline: c\ndata: {label: y, task: classification, classes: [b, a]}\n");
        StatsBuilder fixedBuilder = new StatsBuilder(fixed);
        fixedBuilder.add(new CanonicalRecord(1, "c", "1", "a", Map.of("x", 1.0), null));
        assertThat(fixedBuilder.build(1).label().classes()).containsExactly("b", "a");
    }

    @Test
    void missingValuesAreImputedByPolicyAndOutliersClipped() {
        PipelineSpec spec = SpecLoader.parse("""
                pipeline: m
                data:
                  label: y
                  task: regression
                  impute: {x: mean, colour: most_frequent}
                  categories: {colour: [red, green, blue]}
                preprocess: {clip: 2}
                """);
        StatsBuilder builder = new StatsBuilder(spec);
        java.util.HashMap<String, Object> missingColour = new java.util.HashMap<>(Map.of("x", 3.0, "z", 5.0));
        missingColour.put("colour", null);
        java.util.LinkedHashMap<String, Object> first = new java.util.LinkedHashMap<>();
        first.put("x", 1.0);
        first.put("colour", "blue");
        first.put("z", 1.0);
        builder.add(record(first, 1));
        builder.add(record(Map.of("x", 3.0, "colour", "blue", "z", 3.0), 1));
        builder.add(record(missingColour, 1));
        NormalizationStats stats = builder.build(1);
        assertThat(stats.numeric()).extracting(NormalizationStats.NumericFeature::missing).containsExactly("mean", "reject");
        assertThat(stats.categorical().get(0).vocabulary()).containsExactly("red", "green", "blue");
        assertThat(stats.categorical().get(0).mostFrequent()).isEqualTo("blue");

        FeatureEncoder encoder = new FeatureEncoder(stats);
        float[] out = new float[stats.inputSize()];
        java.util.HashMap<String, Object> gaps = new java.util.HashMap<>(Map.of("z", 100.0));
        gaps.put("x", null);
        gaps.put("colour", null);
        assertThat(encoder.encodeFeatures(gaps, out, 0)).isNull();
        // x -> its mean (z-score 0); z = 100 clipped to +2; colour -> blue.
        assertThat(out).containsExactly(0f, 2f, 0f, 0f, 1f, 0f);
        java.util.HashMap<String, Object> noZ = new java.util.HashMap<>(Map.of("x", 1.0, "colour", "red"));
        noZ.put("z", null);
        assertThat(encoder.encodeFeatures(noZ, out, 0).reason()).isEqualTo(ReasonCode.MISSING_VALUE);
    }

    @Test
    void welfordMatchesTheTwoPassFormula() {
        Welford w = new Welford();
        double[] values = {1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16};
        for (double v : values) {
            w.add(v);
        }
        assertThat(w.mean()).isEqualTo(1e9 + 10);
        assertThat(w.std()).isCloseTo(Math.sqrt(22.5), within(1e-6));
    }

    private static CanonicalRecord record(Map<String, Object> features, double price) {
        return new CanonicalRecord(1, "d", "id", price, features, null);
    }

}
