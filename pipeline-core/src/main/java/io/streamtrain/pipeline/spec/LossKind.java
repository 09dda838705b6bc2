package io.streamtrain.pipeline.spec;

/**
 * The training loss. Classification: softmax cross-entropy (optionally class-weighted). Regression, on the
 * z-scored target: mean squared error, mean absolute error (L1), or Huber (squared below {@code huberDelta},
 * linear above; robust to outliers).
 */
public enum LossKind {
    CROSS_ENTROPY(Task.CLASSIFICATION),
    MSE(Task.REGRESSION),
    L1(Task.REGRESSION),
    HUBER(Task.REGRESSION);

    private final Task task;

    LossKind(Task task) {
        this.task = task;
    }

    public Task task() {
        return task;
    }

    public String key() {
        return name().toLowerCase();
    }
}
