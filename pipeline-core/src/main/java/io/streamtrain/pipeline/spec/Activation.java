package io.streamtrain.pipeline.spec;

/** The activation between hidden layers. */
public enum Activation {
    RELU,
    TANH,
    SIGMOID,
    GELU
}
