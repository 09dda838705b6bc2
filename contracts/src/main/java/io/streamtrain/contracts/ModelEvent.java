package io.streamtrain.contracts;

import java.util.Map;

/**
 * The champion of a pipeline on the compacted {@link Topics#MODELS} (key: pipeline): where its parameters are,
 * their digest, its metrics, and the statistics it was trained with, so raw input is normalized as in training.
 * {@code promotedBy} is {@code gate} when the champion gate promoted it and {@code override} when a person did
 * ({@code POST /pipelines/{name}/champion}), with their {@code reason}. {@code runId} names the run that made
 * it champion (null without run ids, and from older evaluators).
 */
public record ModelEvent(int schemaVersion, String pipeline, String checkpointId, String path, String sha256,
                         int epoch, long step, String specHash, Map<String, Double> metrics,
                         NormalizationStats stats, long promotedAt, String promotedBy, String reason,
                         String runId) {

    public static final String BY_GATE = "gate";
    public static final String BY_OVERRIDE = "override";

    public ModelEvent(int schemaVersion, String pipeline, String checkpointId, String path, String sha256,
                      int epoch, long step, String specHash, Map<String, Double> metrics,
                      NormalizationStats stats, long promotedAt, String promotedBy, String reason) {
        this(schemaVersion, pipeline, checkpointId, path, sha256, epoch, step, specHash, metrics, stats, promotedAt,
                promotedBy, reason, null);
    }
}
