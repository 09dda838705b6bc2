package io.streamtrain.trainer;

/**
 * Where a training run stands: epoch, steps, samples, and the mean loss and throughput since the last
 * checkpoint (reset by {@link #window()}).
 */
final class TrainingProgress {

    private int epoch;
    private long step;
    private long samples;
    private double lossSum;
    private long lossSteps;
    private long windowSamples;
    private long windowNanos;
    private long skipped;
    private String lastSkipReason;

    TrainingProgress(int epoch, long step, long samples) {
        this.epoch = epoch;
        this.step = step;
        this.samples = samples;
    }

    void recordStep(int rows, float loss, long nanos) {
        step++;
        samples += rows;
        lossSum += loss;
        lossSteps++;
        windowSamples += rows;
        windowNanos += nanos;
    }

    /** A batch whose step was not applied (non-finite loss or gradients): counted, not trained on. */
    void recordSkip(String reason) {
        skipped++;
        lastSkipReason = reason;
    }

    long skipped() {
        return skipped;
    }

    String lastSkipReason() {
        return lastSkipReason;
    }

    /** Mean loss and samples per second of training time since the previous call; resets the window. */
    Window window() {
        Window window = new Window(lossSteps == 0 ? Double.NaN : lossSum / lossSteps,
                windowNanos == 0 ? 0 : windowSamples * 1e9 / windowNanos);
        lossSum = 0;
        lossSteps = 0;
        windowSamples = 0;
        windowNanos = 0;
        return window;
    }

    record Window(double meanLoss, double samplesPerSecond) {
    }

    /** Where a group of trainers stands after a sync round: its epoch, steps and samples. */
    void moveTo(int epoch, long step, long samples) {
        this.epoch = epoch;
        this.step = step;
        this.samples = samples;
    }

    void nextEpoch() {
        epoch++;
    }

    int epoch() {
        return epoch;
    }

    long step() {
        return step;
    }

    long samples() {
        return samples;
    }
}
