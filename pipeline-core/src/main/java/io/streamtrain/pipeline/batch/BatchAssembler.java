package io.streamtrain.pipeline.batch;

/**
 * Packs encoded rows into fixed-size batches. In: one row at a time (features and label). Out: a full
 * {@link Batch} every {@code size} rows, and the partial last one on {@link #flush()}. Batch ids are
 * {@code <prefix>-<sequence>}.
 */
public final class BatchAssembler {

    private final String pipeline;
    private final String prefix;
    private int statsVersion;
    private final int size;
    private int cols;
    private final boolean classification;
    private float[] features;
    private int[] classes;
    private float[] targets;
    private int rows;
    private long sequence;

    public BatchAssembler(String pipeline, String prefix, int statsVersion, int size, int cols,
                          boolean classification) {
        this.pipeline = pipeline;
        this.prefix = prefix;
        this.statsVersion = statsVersion;
        this.size = size;
        this.cols = cols;
        this.classification = classification;
        reset();
    }

    /**
     * Stamps the batches emitted from now on with statistics version {@code version}; only for a growth that keeps
     * the input layout (classes appended), so the rows already collected fit it.
     */
    public void stampWith(int version) {
        this.statsVersion = version;
    }

    /**
     * Goes on in a wider input layout ({@code cols} inputs, statistics version {@code version}): the rows already
     * collected are converted with {@code widen} (rows x old cols in, rows x new cols out), so a batch never mixes
     * layouts.
     */
    public void widen(int cols, int version, java.util.function.BiFunction<float[], Integer, float[]> widen) {
        float[] pending = widen.apply(java.util.Arrays.copyOf(features, rows * this.cols), rows);
        this.cols = cols;
        this.statsVersion = version;
        float[] wider = new float[size * cols];
        System.arraycopy(pending, 0, wider, 0, pending.length);
        features = wider;
    }

    /** Gives the row's feature slot to fill; call {@link #commitClass} or {@link #commitTarget} after filling. */
    public float[] rowBuffer() {
        return features;
    }

    public int rowOffset() {
        return rows * cols;
    }

    public Batch commitClass(int label) {
        classes[rows++] = label;
        return rows == size ? emit() : null;
    }

    public Batch commitTarget(float target) {
        targets[rows++] = target;
        return rows == size ? emit() : null;
    }

    /** The partial batch, or null when empty. */
    public Batch flush() {
        return rows == 0 ? null : emit();
    }

    public long batchesEmitted() {
        return sequence;
    }

    private Batch emit() {
        float[] f = rows == size ? features : java.util.Arrays.copyOf(features, rows * cols);
        Batch batch = new Batch(pipeline, String.format("%s-%06d", prefix, sequence++), statsVersion, rows, cols, f,
                classification ? (rows == size ? classes : java.util.Arrays.copyOf(classes, rows)) : null,
                classification ? null : (rows == size ? targets : java.util.Arrays.copyOf(targets, rows)));
        reset();
        return batch;
    }

    private void reset() {
        features = new float[size * cols];
        classes = classification ? new int[size] : null;
        targets = classification ? null : new float[size];
        rows = 0;
    }
}
