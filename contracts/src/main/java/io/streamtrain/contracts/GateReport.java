package io.streamtrain.contracts;

import java.util.List;

/**
 * Why the champion gate decided as it did, as data. {@code metric} is the spec's gate metric, {@code value} the
 * checkpoint's, {@code championValue} the champion's on the same rows (null for the first model), {@code delta}
 * the improvement over it in the metric's better direction (positive = better), {@code minDelta} the improvement
 * required, {@code thresholds} each absolute threshold checked, and {@code interval} the paired bootstrap
 * confidence interval of the improvement when the spec asks for one.
 */
public record GateReport(String metric, Double value, Double championValue, Double delta, double minDelta,
                         List<ThresholdCheck> thresholds, Interval interval) {

    /** An absolute threshold: {@code value} must be at least (or, for an error metric, at most) {@code threshold}. */
    public record ThresholdCheck(String metric, double threshold, Double value, boolean passed) {
    }

    /** A {@code level} confidence interval of the improvement from {@code samples} bootstrap resamples. */
    public record Interval(double level, double low, double high, int samples) {
    }
}
