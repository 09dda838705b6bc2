package io.streamtrain.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.contracts.NormalizationStats;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rows encoded under one statistics version in another's layout, after vocabularies grew. */
class InputLayoutTest {

    private static NormalizationStats stats(int version, List<String> colours, List<String> sizes) {
        return new NormalizationStats(2, "p", version, 10, List.of(new NormalizationStats.NumericFeature("x", 1, 0, 1)),
                List.of(new NormalizationStats.CategoricalFeature("colour", colours),
                        new NormalizationStats.CategoricalFeature("size", sizes)),
                new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0));
    }

    @Test
    void newValuesAreInsertedBeforeEachBlocksUnknownSlotAndRowsConvertBothWays() {
        NormalizationStats v1 = stats(1, List.of("red", "blue"), List.of("s"));
        NormalizationStats v2 = stats(2, List.of("red", "blue", "green"), List.of("s", "m"));
        // v1: x | red blue <unknown> | s <unknown>  ->  v2: x | red blue green <unknown> | s m <unknown>
        assertThat(InputLayout.growthMap(v1, v2)).containsExactly(0, 1, 2, 4, 5, 7);
        float[] older = {0.5f, 0, 1, 0, 1, 0, /* second row */ -1f, 0, 0, 1, 0, 1};
        assertThat(InputLayout.convert(older, 2, v1, v2)).containsExactly(0.5f, 0, 1, 0, 0, 1, 0, 0,
                -1f, 0, 0, 0, 1, 0, 0, 1);
        // A green, medium row of v2 as the v1 model sees it: both values unknown.
        float[] newer = {2f, 0, 0, 1, 0, 0, 1, 0};
        assertThat(InputLayout.convert(newer, 1, v2, v1)).containsExactly(2f, 0, 0, 1, 0, 1);
        assertThat(InputLayout.convert(older, 2, v1, v1)).isSameAs(older);
    }

    @Test
    void statisticsThatDoNotExtendEachOtherAreRefused() {
        NormalizationStats v1 = stats(1, List.of("red", "blue"), List.of("s"));
        assertThatThrownBy(() -> InputLayout.growthMap(v1, stats(2, List.of("blue", "red", "green"), List.of("s"))))
                .hasMessageContaining("does not extend");
    }
}
