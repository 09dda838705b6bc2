package io.streamtrain.pipeline.batch;

/**
 * A mini-batch: {@code rows x cols} float32 features (row-major) and one label per row, either a class index
 * ({@code classes}) or a z-scored regression target ({@code targets}); the other array is null.
 */
public record Batch(String pipeline, String batchId, int statsVersion, int rows, int cols, float[] features,
                    int[] classes, float[] targets) {

    public boolean classification() {
        return classes != null;
    }
}
