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
        assertThat(stats.inputSize()).isEqualTo(3);
        assertThat(stats.inputNames()).containsExactly("carat", "cut=Good", "cut=Ideal");

        FeatureEncoder encoder = new FeatureEncoder(stats);
        float[] out = new float[3];
        assertThat(encoder.encodeFeatures(Map.of("carat", 4.0, "cut", "Ideal"), out, 0)).isNull();
        assertThat(out).containsExactly(2f, 0f, 1f);
        assertThat(encoder.encodeFeatures(Map.of("carat", 2.0, "cut", "Fair"), out, 0)).isNull();
        assertThat(out).containsExactly(0f, 0f, 0f);
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
