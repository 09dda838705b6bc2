package io.streamtrain.pipeline.spec;

/**
 * How the learning rate changes over optimizer steps (after the optional linear warm-up): {@code FIXED} keeps
 * it, {@code STEP} multiplies it by {@code gamma} every {@code decaySteps} steps, {@code COSINE} follows half a
 * cosine from the learning rate down to {@code minLearningRate} over {@code decaySteps} steps and stays there.
 */
public enum ScheduleKind {
    FIXED,
    STEP,
    COSINE
}
