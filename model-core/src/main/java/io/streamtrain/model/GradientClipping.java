package io.streamtrain.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * Global gradient-norm clipping, as PyTorch's {@code clip_grad_norm_}: when the L2 norm over all gradients
 * exceeds the limit, every gradient is scaled in place by {@code limit / norm}.
 */
final class GradientClipping {

    private GradientClipping() {
    }

    static double globalNorm(List<NDArray> gradients) {
        double sumOfSquares = 0;
        for (NDArray gradient : gradients) {
            try (NDArray squares = gradient.square().sum()) {
                sumOfSquares += squares.getFloat();
            }
        }
        return Math.sqrt(sumOfSquares);
    }

    static void clip(List<NDArray> gradients, double norm, double limit) {
        if (norm > limit) {
            float scale = (float) (limit / (norm + 1e-6));
            gradients.forEach(gradient -> gradient.muli(scale));
        }
    }

    /** Clears gradients that must not be applied (a skipped step), so none of them leaks into the next one. */
    static void zero(List<NDArray> gradients) {
        for (NDArray gradient : gradients) {
            gradient.set(new float[Math.toIntExact(gradient.size())]);
        }
    }
}
