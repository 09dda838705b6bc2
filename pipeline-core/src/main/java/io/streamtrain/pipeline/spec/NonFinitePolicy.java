package io.streamtrain.pipeline.spec;

/**
 * What the trainer does when a step's loss or gradients are not finite (NaN or infinite): {@code SKIP} leaves
 * the parameters untouched, reports the step and goes on with the next batch; {@code STOP} ends the run with a
 * final checkpoint of the last finite parameters and the reason. Either way no non-finite value is checkpointed.
 */
public enum NonFinitePolicy {
    SKIP,
    STOP
}
