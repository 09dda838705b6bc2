package io.streamtrain.pipeline.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitAndShuffleTest {

    @Test
    void splitIsAStableFunctionOfTheIdWithTheRequestedFraction() {
        SplitAssigner split = new SplitAssigner(0.2, 42);
        long validation = IntStream.range(0, 100_000).filter(i -> split.isValidation("file.csv:" + i)).count();
        assertThat(validation).isBetween(19_400L, 20_600L);
        SplitAssigner again = new SplitAssigner(0.2, 42);
        for (int i = 0; i < 1000; i++) {
            assertThat(again.isValidation("file.csv:" + i)).isEqualTo(split.isValidation("file.csv:" + i));
        }
    }

    @Test
    void shuffleBufferEmitsEveryItemOnceInASeededOrder() {
        List<Integer> first = shuffle(7);
        assertThat(first).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 1000).boxed().toList());
        assertThat(first).isNotEqualTo(IntStream.range(0, 1000).boxed().toList());
        assertThat(shuffle(7)).isEqualTo(first);
        assertThat(shuffle(8)).isNotEqualTo(first);
    }

    @Test
    void zeroCapacityPassesItemsThrough() {
        ShuffleBuffer<Integer> buffer = new ShuffleBuffer<>(0, 1);
        assertThat(buffer.add(5)).isEqualTo(5);
        assertThat(buffer.drain()).isEmpty();
    }

    private static List<Integer> shuffle(long seed) {
        ShuffleBuffer<Integer> buffer = new ShuffleBuffer<>(100, seed);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Integer evicted = buffer.add(i);
            if (evicted != null) {
                out.add(evicted);
            }
        }
        out.addAll(buffer.drain());
        return out;
    }
}
