package io.streamtrain.model;

import io.streamtrain.contracts.NormalizationStats;

/**
 * What a checkpoint directory holds besides the parameters: where training stood, where it continues
 * ({@code resume}), and the statistics the inputs were normalized with, so the checkpoint can be evaluated, served
 * or trained on from on its own.
 */
public record CheckpointManifest(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                                 long samplesSeen, String specHash, String parametersSha256,
                                 NormalizationStats stats, long createdAt, ResumePoint resume) {

    public CheckpointManifest(int schemaVersion, String pipeline, String checkpointId, int epoch, long step,
                              long samplesSeen, String specHash, String parametersSha256, NormalizationStats stats,
                              long createdAt) {
        this(schemaVersion, pipeline, checkpointId, epoch, step, samplesSeen, specHash, parametersSha256, stats,
                createdAt, null);
    }
}
