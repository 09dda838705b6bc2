package io.streamtrain.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Softmax cross-entropy with a weight per class, as PyTorch's {@code CrossEntropyLoss(weight=...)}: the sum of
 * the rows' weighted losses divided by the sum of their weights. In: logits (rows x classes) and class indices.
 */
final class WeightedCrossEntropyLoss extends Loss {

    private final float[] weights;

    WeightedCrossEntropyLoss(float[] weights) {
        super("WeightedCrossEntropyLoss");
        this.weights = weights.clone();
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray oneHot = labels.singletonOrThrow().oneHot(weights.length).toType(logits.getDataType(), false);
        NDArray rowWeights = oneHot.mul(logits.getManager().create(weights)).sum(new int[] {1});
        NDArray rowLoss = oneHot.mul(logits.logSoftmax(1)).sum(new int[] {1}).neg();
        return rowLoss.mul(rowWeights).sum().div(rowWeights.sum());
    }
}
