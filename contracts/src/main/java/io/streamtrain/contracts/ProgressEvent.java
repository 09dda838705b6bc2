package io.streamtrain.contracts;

/**
 * Where a trainer stands, on {@link Topics#PROGRESS} at a bounded rate: epoch, step, samples seen, the mean loss
 * and samples per second since its previous progress event, and its consumer lag (train batches published but not
 * yet read).
 */
public record ProgressEvent(int schemaVersion, String pipeline, int epoch, long step, long samplesSeen,
                            double loss, double samplesPerSecond, long lag, long createdAt) {
}
