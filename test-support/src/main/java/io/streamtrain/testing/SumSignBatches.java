package io.streamtrain.testing;

import io.streamtrain.pipeline.batch.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Encoded mini-batches of an easy two-class problem for service tests: two standard-normal features, class 1
 * ("b") when their sum is positive, class 0 ("a") otherwise. Deterministic for a seed; ids {@code <prefix>-000001}
 * on.
 */
public final class SumSignBatches {

    private SumSignBatches() {
    }

    public static List<Batch> batches(String pipeline, String prefix, int count, int rows, long seed) {
        Random random = new Random(seed);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] x = new float[2 * rows];
            int[] y = new int[rows];
            for (int r = 0; r < rows; r++) {
                x[2 * r] = (float) random.nextGaussian();
                x[2 * r + 1] = (float) random.nextGaussian();
                y[r] = x[2 * r] + x[2 * r + 1] > 0 ? 1 : 0;
            }
            batches.add(new Batch(pipeline, String.format("%s-%06d", prefix, b + 1), 1, rows, 2, x, y, null));
        }
        return batches;
    }
}
