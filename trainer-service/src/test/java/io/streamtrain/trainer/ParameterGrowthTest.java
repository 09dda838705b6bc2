package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The growth of exchanged vectors by classes, laid out as the network's parameters. */
class ParameterGrowthTest {

    @Test
    void theOutputRowsAndBiasOfTheNewClassesAreInsertedAtZeroAndEverythingElseIsKept() {
        // 2 inputs, one hidden layer of 2, 2 classes growing to 3: W1 (2x2) b1 (2) W2 (2x2) b2 (2).
        float[] vector = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
        assertThat(ParameterGrowth.grow(vector, new int[] {2}, 2, 2, 3))
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 11, 12, 0);
        // An optimizer state: the same layout once per field (Adam's m and v).
        float[] twice = new float[24];
        System.arraycopy(vector, 0, twice, 0, 12);
        System.arraycopy(vector, 0, twice, 12, 12);
        float[] grown = ParameterGrowth.grow(twice, new int[] {2}, 2, 2, 3);
        assertThat(grown).hasSize(30);
        assertThat(java.util.Arrays.copyOfRange(grown, 15, 30)).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0,
                11, 12, 0);
        // No hidden layer: the only layer is the output layer.
        assertThat(ParameterGrowth.grow(new float[] {1, 2, 3, 4, 5, 6}, new int[0], 2, 2, 3))
                .containsExactly(1, 2, 3, 4, 0, 0, 5, 6, 0);
    }
}
