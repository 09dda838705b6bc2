package io.streamtrain.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Huber loss, as PyTorch's {@code HuberLoss}: per row {@code 0.5 d^2} where {@code |d| <= delta}, else
 * {@code delta (|d| - 0.5 delta)}, averaged over the batch. Squared near the target, linear far from it, so a few
 * outliers do not dominate the gradient.
 */
final class HuberLoss extends Loss {

    private final float delta;

    HuberLoss(float delta) {
        super("HuberLoss");
        this.delta = delta;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray error = predictions.singletonOrThrow().sub(labels.singletonOrThrow().reshape(
                predictions.singletonOrThrow().getShape())).abs();
        NDArray quadratic = error.square().mul(0.5f);
        NDArray linear = error.sub(0.5f * delta).mul(delta);
        return NDArrays.where(error.lte(delta), quadratic, linear).mean();
    }
}
