package io.streamtrain.model;

import ai.djl.training.tracker.Tracker;
import io.streamtrain.pipeline.spec.PipelineSpec;

/**
 * The learning rate of optimizer step {@code n} (1-based, as DJL's optimizers count updates): a linear warm-up
 * from {@code lr / warmupSteps} to {@code lr}, then fixed, step decay or cosine decay. A pure function of the
 * step, so a run restored from a checkpoint (which restores the update counts) continues on the same curve.
 */
public final class LearningRateSchedule implements Tracker {

    private final double learningRate;
    private final PipelineSpec.Schedule schedule;

    public LearningRateSchedule(double learningRate, PipelineSpec.Schedule schedule) {
        this.learningRate = learningRate;
        this.schedule = schedule;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return (float) at(Math.max(1, numUpdate));
    }

    /** The learning rate at a 1-based optimizer step. */
    public double at(long step) {
        int warmup = schedule.warmupSteps();
        if (step <= warmup) {
            return learningRate * step / warmup;
        }
        long t = step - warmup;
        return switch (schedule.type()) {
            case FIXED -> learningRate;
            case STEP -> learningRate * Math.pow(schedule.gamma(), t / schedule.decaySteps());
            case COSINE -> {
                double min = schedule.minLearningRate();
                yield t >= schedule.decaySteps() ? min
                        : min + (learningRate - min) * (1 + Math.cos(Math.PI * t / schedule.decaySteps())) / 2;
            }
        };
    }
}
