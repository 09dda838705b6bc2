package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.pipeline.batch.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchReservoirTest {

    @Test
    void keepsEverythingThatFits() {
        BatchReservoir reservoir = new BatchReservoir(100, 1);
        for (int i = 0; i < 10; i++) {
            reservoir.offer(batch(i));
        }
        assertThat(reservoir.batches()).hasSize(10);
        assertThat(reservoir.rows()).isEqualTo(100);
    }

    @Test
    void beyondItsCapacityItSamplesTheWholeStreamUniformly() {
        BatchReservoir reservoir = new BatchReservoir(100, 7);
        for (int i = 0; i < 1000; i++) {
            reservoir.offer(batch(i));
        }
        List<Batch> kept = reservoir.batches();
        assertThat(kept).hasSize(10);
        assertThat(reservoir.rows()).isEqualTo(100);
        assertThat(reservoir.seen()).isEqualTo(1000);
        // A sample of the first ten only would average 4.5; a uniform one averages about 500.
        double meanIndex = kept.stream().mapToInt(b -> Integer.parseInt(b.batchId())).average().orElseThrow();
        assertThat(meanIndex).isBetween(250.0, 750.0);
        BatchReservoir again = new BatchReservoir(100, 7);
        for (int i = 0; i < 1000; i++) {
            again.offer(batch(i));
        }
        assertThat(again.batches()).extracting(Batch::batchId)
                .containsExactlyElementsOf(kept.stream().map(Batch::batchId).toList());
    }

    private static Batch batch(int index) {
        return new Batch("p", Integer.toString(index), 1, 10, 1, new float[10], new int[10], null);
    }
}
