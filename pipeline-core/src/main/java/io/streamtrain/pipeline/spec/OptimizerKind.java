package io.streamtrain.pipeline.spec;

/**
 * The optimizer that updates the parameters from the gradients. SGD (with optional momentum) and Adam add weight
 * decay to the gradient (L2); AdamW applies it to the weights directly (decoupled weight decay).
 */
public enum OptimizerKind {
    ADAM,
    ADAMW,
    SGD
}
