package io.streamtrain.pipeline.metrics;

import io.streamtrain.pipeline.features.Welford;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates regression errors in the target's original units. In: pairs of (actual, predicted). Out: MSE,
 * RMSE, MAE and R^2 (1 - SSE / total sum of squares around the actual mean).
 */
public final class RegressionMetrics {

    private final Welford actuals = new Welford();
    private double squaredError;
    private double absoluteError;

    public void add(double actual, double predicted) {
        double error = predicted - actual;
        squaredError += error * error;
        absoluteError += Math.abs(error);
        actuals.add(actual);
    }

    public long rows() {
        return actuals.count();
    }

    public Map<String, Double> metrics() {
        long n = actuals.count();
        double mse = n == 0 ? 0 : squaredError / n;
        double variance = actuals.std() * actuals.std();
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("mse", mse);
        metrics.put("rmse", Math.sqrt(mse));
        metrics.put("mae", n == 0 ? 0 : absoluteError / n);
        metrics.put("r2", variance == 0 ? 0 : 1 - mse / variance);
        return metrics;
    }
}
