package io.streamtrain.model;

/**
 * The outcome of one training step: the batch's mean loss, the global L2 norm of the gradients before clipping
 * (NaN when not measured), and whether the optimizer applied it. A step is not applied when its loss or gradients
 * are not finite; {@code skipReason} then says which.
 */
public record StepResult(float loss, double gradientNorm, boolean applied, String skipReason) {
}
