package io.streamtrain.pipeline.spec;

/** The metric that decides whether a checkpoint beats the champion. Each belongs to one task. */
public enum Metric {
    ACCURACY("accuracy", Task.CLASSIFICATION, true),
    MACRO_F1("macro_f1", Task.CLASSIFICATION, true),
    LOG_LOSS("log_loss", Task.CLASSIFICATION, false),
    MSE("mse", Task.REGRESSION, false),
    RMSE("rmse", Task.REGRESSION, false),
    MAE("mae", Task.REGRESSION, false),
    R2("r2", Task.REGRESSION, true);

    private final String key;
    private final Task task;
    private final boolean higherIsBetter;

    Metric(String key, Task task, boolean higherIsBetter) {
        this.key = key;
        this.task = task;
        this.higherIsBetter = higherIsBetter;
    }

    /** The metric's name in specs, events and reports. */
    public String key() {
        return key;
    }

    public Task task() {
        return task;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The metric named {@code key} in specs and events, or null. */
    public static Metric byKey(String key) {
        for (Metric metric : values()) {
            if (metric.key.equals(key)) {
                return metric;
            }
        }
        return null;
    }

    /** How much better {@code candidate} is than {@code baseline}: positive when better, in the metric's units. */
    public double improvement(double candidate, double baseline) {
        return higherIsBetter ? candidate - baseline : baseline - candidate;
    }

    /** True when {@code candidate} is strictly better than {@code baseline}. */
    public boolean improves(double candidate, double baseline) {
        return higherIsBetter ? candidate > baseline : candidate < baseline;
    }
}
