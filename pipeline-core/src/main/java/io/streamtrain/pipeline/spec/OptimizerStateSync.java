package io.streamtrain.pipeline.spec;

/**
 * What a group of trainers does with the optimizer's state (Adam's moments, SGD's momentum) at a sync round
 * ({@code train.sync.optimizerState}): {@code LOCAL} keeps each member's own, {@code AVERAGE} averages it with the
 * parameters, weighted the same way (three times the bytes per contribution for Adam).
 */
public enum OptimizerStateSync {
    LOCAL,
    AVERAGE
}
