package io.streamtrain.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ProgressEvent;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void showsCountsThenTrainingThenABarWithAnEtaOnceTheEpochLengthIsKnown() {
        ProgressLine.Counts counting = new ProgressLine.Counts(500, 2, 3, 1, false);
        assertThat(ProgressLine.render(counting, null, 5, 100, 3))
                .isEqualTo("[    3s] accepted 500, rejected 2 | batches 3 train, 1 validation");

        ProgressEvent progress = new ProgressEvent(1, "p", 2, 250, 25_000, 0.1234, 10_000, 7, 1L);
        assertThat(ProgressLine.render(counting, progress, 5, 100, 4)).endsWith(
                "| epoch 2/5 step 250 loss 0.1234 10,000 samples/s lag 7");

        ProgressLine.Counts known = new ProgressLine.Counts(500, 2, 100, 25, true);
        // 500 steps in all, 250 done, 100 steps/s: half the bar, 2.5 s left.
        assertThat(ProgressLine.render(known, progress, 5, 100, 5))
                .endsWith("lag 7 [##########..........]  50% ETA 3s");

        ProgressEvent skipping = new ProgressEvent(1, "p", 2, 250, 25_000, 0.1234, 10_000, 7, 1L, 3,
                "batch train-000007 after step 6: loss is NaN");
        assertThat(ProgressLine.render(counting, skipping, 5, 100, 4)).endsWith("lag 7 skipped 3 (non-finite)");
    }
}
