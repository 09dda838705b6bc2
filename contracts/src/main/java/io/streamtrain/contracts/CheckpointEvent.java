package io.streamtrain.contracts;

/**
 * Announces a checkpoint on {@link Topics#CHECKPOINTS}. {@code path} is the checkpoint directory (shared with the
 * evaluator), {@code sha256} the digest of its parameter file; {@code finalCheckpoint} marks the last one of a run.
 */
public record CheckpointEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                              long samplesSeen, int statsVersion, String specHash, String path, String sha256,
                              double trainLoss, double samplesPerSecond, boolean finalCheckpoint,
                              long createdAt) {
}
