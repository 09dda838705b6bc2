package io.streamtrain.pipeline.batch;

import java.nio.ByteBuffer;

/**
 * A mini-batch decoded into native memory, ready to become tensors without another copy: {@code data} is a direct
 * buffer in the platform's byte order holding {@code rows x cols} float32 features (row-major) followed by one
 * label per row, an int32 class index or a float32 z-scored target. The buffer may be larger than the batch and is
 * reused once the batch has been trained on.
 */
public record DirectBatch(String pipeline, String batchId, int statsVersion, int rows, int cols,
                          boolean classification, ByteBuffer data) {

    /** The bytes a batch of this shape needs in a buffer. */
    public static int bytes(int rows, int cols) {
        return Math.multiplyExact(4, Math.addExact(Math.multiplyExact(rows, cols), rows));
    }

    /** The features, as a view of the buffer. */
    public ByteBuffer features() {
        return data.slice(0, 4 * rows * cols).order(data.order());
    }

    /** The labels, as a view of the buffer. */
    public ByteBuffer labels() {
        return data.slice(4 * rows * cols, 4 * rows).order(data.order());
    }
}
