package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.TrainingSession;

/**
 * The model a trainer is training and where it stands: the session (null until the first batch or a restored
 * checkpoint), the statistics it normalizes with, and the progress (epoch, steps, samples). Shared by the
 * {@link TrainingLoop} and its {@link TrainingCoordinator}, on the training thread only.
 */
final class TrainingRun {

    TrainingSession session;
    NormalizationStats stats;
    final TrainingProgress progress = new TrainingProgress(1, 0, 0);

    boolean started() {
        return session != null;
    }

    /** Starts (or continues) training with {@code stats}; the session is the caller's to fill or restore. */
    TrainingSession begin(NormalizationStats stats, TrainingSession session) {
        this.stats = stats;
        this.session = session;
        return session;
    }

    void close() {
        if (session != null) {
            session.close();
            session = null;
        }
    }
}
