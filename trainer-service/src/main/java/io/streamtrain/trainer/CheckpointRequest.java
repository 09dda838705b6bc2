package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;

/**
 * One checkpoint to write, by name: the model and where its training stands. In: what the training loop knows
 * when a checkpoint falls due. Out: what {@link CheckpointPublisher#publish} writes and announces.
 *
 * @param session    the model and optimizer state to save
 * @param stats      the statistics the model's inputs were normalized with
 * @param progress   epoch, step and samples, and the loss and rate window the announcement reports
 * @param lineage    the batches trained so far, in order
 * @param resume     where a restarted trainer continues
 * @param epoch      the epoch the checkpoint is labelled with (at an epoch's end: the epoch that ended, while
 *                   {@code resume} points at the start of the next one)
 * @param stopReason why the run ended here; non-null exactly for the final checkpoint
 */
record CheckpointRequest(TrainingSession session, NormalizationStats stats, TrainingProgress progress,
                         Lineage lineage, ResumePoint resume, int epoch, String stopReason) {

    /** Whether this is the run's last checkpoint. */
    boolean isFinal() {
        return stopReason != null;
    }

    /** The checkpoint id: epoch label and step. */
    String id() {
        return String.format("e%03d-s%08d", epoch, progress.step());
    }

    /** The checkpoint id in the run {@code runId}: {@code <run id>-} before {@link #id()} (null: no run id). */
    String id(String runId) {
        return runId == null ? id() : runId + "-" + id();
    }
}
