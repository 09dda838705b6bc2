package io.streamtrain.contracts;

/**
 * Announces a checkpoint on {@link Topics#CHECKPOINTS}. {@code path} is the checkpoint directory (shared with the
 * evaluator), {@code sha256} the digest of its parameter file; {@code finalCheckpoint} marks the last one of a run.
 * The lineage is the number of batches trained on and a SHA-256 chained over their ids in training order: two
 * runs with equal lineage trained on the same batches in the same order. A final checkpoint says why training
 * stopped ({@code stopReason}: all epochs done, or early stopping with the metric's history). {@code runId} names
 * the run that trained it (null without run ids, and from older trainers).
 */
public record CheckpointEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                              long samplesSeen, int statsVersion, String specHash, String path, String sha256,
                              double trainLoss, double samplesPerSecond, boolean finalCheckpoint,
                              long createdAt, long lineageCount, String lineageSha256, String stopReason,
                              String runId) {

    public CheckpointEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                           long samplesSeen, int statsVersion, String specHash, String path, String sha256,
                           double trainLoss, double samplesPerSecond, boolean finalCheckpoint, long createdAt,
                           long lineageCount, String lineageSha256, String stopReason) {
        this(schemaVersion, pipeline, checkpointId, epoch, step, samplesSeen, statsVersion, specHash, path, sha256,
                trainLoss, samplesPerSecond, finalCheckpoint, createdAt, lineageCount, lineageSha256, stopReason,
                null);
    }

    public CheckpointEvent(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                           long samplesSeen, int statsVersion, String specHash, String path, String sha256,
                           double trainLoss, double samplesPerSecond, boolean finalCheckpoint, long createdAt) {
        this(schemaVersion, pipeline, checkpointId, epoch, step, samplesSeen, statsVersion, specHash, path, sha256,
                trainLoss, samplesPerSecond, finalCheckpoint, createdAt, 0, null, null);
    }
}
