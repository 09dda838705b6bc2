package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The growth of exchanged vectors by classes and by categorical values, laid out as the network's parameters. */
class ParameterGrowthTest {

    private static NormalizationStats stats(int version, List<String> colours, List<String> classes) {
        return new NormalizationStats(2, "p", version, 10, List.of(new NormalizationStats.NumericFeature("x", 1, 0, 1)),
                List.of(new NormalizationStats.CategoricalFeature("colour", colours)),
                new NormalizationStats.LabelInfo("classification", classes, 0, 0));
    }

    @Test
    void newOutputRowsAndInputColumnsAreInsertedAtZeroAndEverythingElseIsKept() {
        // Inputs x | red <unknown> (3); one hidden layer of 1; classes a, b. Growing by class c and colour blue:
        // W1 (1x3) b1 (1) W2 (2x1) b2 (2)  ->  W1 (1x4) b1 (1) W2 (3x1) b2 (3).
        List<NormalizationStats> versions = List.of(stats(1, List.of("red"), List.of("a", "b")),
                stats(2, List.of("red", "blue"), List.of("a", "b", "c")));
        ParameterGrowth growth = new ParameterGrowth(SpecLoader.parse(
                "pipeline: p\ndata: {label: y, task: classification}\nmodel: {hidden: [1]}\n"),
                version -> versions.get(version - 1));
        float[] vector = {1, 2, 3, 4, 5, 6, 7, 8};
        // x -> 0, red -> 1, <unknown> -> 3 (blue takes 2).
        assertThat(growth.grow(vector, 1, 2, false)).containsExactly(1, 2, 0, 3, 4, 5, 6, 0, 7, 8, 0);
        float[] twice = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(growth.grow(twice, 1, 2, true)).hasSize(22).endsWith(1, 2, 0, 3, 4, 5, 6, 0, 7, 8, 0);
    }
}
