package io.streamtrain.pipeline.metrics;

import io.streamtrain.contracts.ResidualSummary;
import io.streamtrain.pipeline.spec.Metric;
import java.util.Arrays;
import java.util.Map;

/**
 * A model's predictions on validation rows, kept row by row so two models can be compared on the same rows and
 * any metric recomputed on a resample of them (the gate's paired bootstrap). Classification: actual and predicted
 * class indices and the probability given to the actual class; regression: actual and predicted values in the
 * target's original units.
 */
public final class Predictions {

    private final int classes;
    private final int[] actualClasses;
    private final int[] predictedClasses;
    private final double[] actualClassProbabilities;
    private final double[] actualValues;
    private final double[] predictedValues;

    private Predictions(int classes, int[] actualClasses, int[] predictedClasses, double[] actualClassProbabilities,
                        double[] actualValues, double[] predictedValues) {
        this.classes = classes;
        this.actualClasses = actualClasses;
        this.predictedClasses = predictedClasses;
        this.actualClassProbabilities = actualClassProbabilities;
        this.actualValues = actualValues;
        this.predictedValues = predictedValues;
    }

    public static Predictions classification(int classes, int[] actual, int[] predicted, double[] actualProbability) {
        return new Predictions(classes, actual, predicted, actualProbability, null, null);
    }

    public static Predictions regression(double[] actual, double[] predicted) {
        return new Predictions(0, null, null, null, actual, predicted);
    }

    public boolean classification() {
        return actualClasses != null;
    }

    public int rows() {
        return classification() ? actualClasses.length : actualValues.length;
    }

    /** A row's actual value (regression), in the target's units. */
    public double actualValue(int row) {
        return actualValues[row];
    }

    /** A row's predicted value (regression), in the target's units. */
    public double predictedValue(int row) {
        return predictedValues[row];
    }

    /** Every metric of the task over all rows. */
    public Map<String, Double> metrics() {
        return classification() ? classificationMetrics(null).metrics() : regressionMetrics(null).metrics();
    }

    /** The confusion matrix and per-class accumulator over all rows (classification only). */
    public ClassificationMetrics classificationMetrics() {
        return classificationMetrics(null);
    }

    /** One metric over the rows at {@code indices} (repeats allowed), or over all rows when null. */
    public double metric(Metric metric, int[] indices) {
        Map<String, Double> values = classification() ? classificationMetrics(indices).metrics()
                : regressionMetrics(indices).metrics();
        Double value = values.get(metric.key());
        return value == null ? Double.NaN : value;
    }

    private ClassificationMetrics classificationMetrics(int[] indices) {
        ClassificationMetrics metrics = new ClassificationMetrics(classes);
        int n = indices == null ? actualClasses.length : indices.length;
        for (int i = 0; i < n; i++) {
            int row = indices == null ? i : indices[i];
            metrics.add(actualClasses[row], predictedClasses[row], actualClassProbabilities[row]);
        }
        return metrics;
    }

    private RegressionMetrics regressionMetrics(int[] indices) {
        RegressionMetrics metrics = new RegressionMetrics();
        int n = indices == null ? actualValues.length : indices.length;
        for (int i = 0; i < n; i++) {
            int row = indices == null ? i : indices[i];
            metrics.add(actualValues[row], predictedValues[row]);
        }
        return metrics;
    }

    /** Summary of the residuals (predicted minus actual); regression only, null when there are no rows. */
    public ResidualSummary residuals() {
        if (classification() || actualValues.length == 0) {
            return null;
        }
        double[] residuals = new double[actualValues.length];
        double sum = 0;
        double maxAbs = 0;
        for (int i = 0; i < residuals.length; i++) {
            residuals[i] = predictedValues[i] - actualValues[i];
            sum += residuals[i];
            maxAbs = Math.max(maxAbs, Math.abs(residuals[i]));
        }
        double mean = sum / residuals.length;
        double squares = 0;
        for (double residual : residuals) {
            squares += (residual - mean) * (residual - mean);
        }
        Arrays.sort(residuals);
        return new ResidualSummary(mean, Math.sqrt(squares / residuals.length), percentile(residuals, 0.05),
                percentile(residuals, 0.5), percentile(residuals, 0.95), maxAbs);
    }

    /** Linear interpolation between the closest ranks of a sorted array. */
    static double percentile(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
