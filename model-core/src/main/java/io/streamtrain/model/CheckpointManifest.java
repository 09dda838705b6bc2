package io.streamtrain.model;

import io.streamtrain.contracts.NormalizationStats;

/**
 * What a checkpoint directory holds besides the parameters: where training stood and the statistics the inputs
 * were normalized with, so the checkpoint can be evaluated or served on its own.
 */
public record CheckpointManifest(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                                 long samplesSeen, String specHash, String parametersSha256,
                                 NormalizationStats stats, long createdAt) {
}
