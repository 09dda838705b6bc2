package io.streamtrain.pipeline.spec;

/** The optimizer that updates the parameters from the gradients. */
public enum OptimizerKind {
    ADAM,
    SGD
}
