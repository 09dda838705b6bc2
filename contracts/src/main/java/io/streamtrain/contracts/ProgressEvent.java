package io.streamtrain.contracts;

/**
 * Where a trainer stands, on {@link Topics#PROGRESS} at a bounded rate: epoch, step, samples seen, the mean loss
 * and samples per second since its previous progress event, and its consumer lag (train batches published but not
 * yet read). {@code skippedSteps} counts the batches not applied because their loss or gradients were not finite
 * (since the trainer started), {@code lastSkipReason} says why the latest one was skipped. {@code trainer} names
 * the trainer instance that sent it (several share the work in a group; null from older trainers), {@code runId}
 * its run (null without run ids, and from older trainers).
 */
public record ProgressEvent(int schemaVersion, String pipeline, int epoch, long step, long samplesSeen,
                            double loss, double samplesPerSecond, long lag, long createdAt, long skippedSteps,
                            String lastSkipReason, String trainer, String runId) {

    public ProgressEvent(int schemaVersion, String pipeline, int epoch, long step, long samplesSeen, double loss,
                         double samplesPerSecond, long lag, long createdAt, long skippedSteps, String lastSkipReason,
                         String trainer) {
        this(schemaVersion, pipeline, epoch, step, samplesSeen, loss, samplesPerSecond, lag, createdAt, skippedSteps,
                lastSkipReason, trainer, null);
    }

    public ProgressEvent(int schemaVersion, String pipeline, int epoch, long step, long samplesSeen, double loss,
                         double samplesPerSecond, long lag, long createdAt) {
        this(schemaVersion, pipeline, epoch, step, samplesSeen, loss, samplesPerSecond, lag, createdAt, 0, null, null);
    }

    public ProgressEvent(int schemaVersion, String pipeline, int epoch, long step, long samplesSeen, double loss,
                         double samplesPerSecond, long lag, long createdAt, long skippedSteps, String lastSkipReason) {
        this(schemaVersion, pipeline, epoch, step, samplesSeen, loss, samplesPerSecond, lag, createdAt, skippedSteps,
                lastSkipReason, null);
    }
}
