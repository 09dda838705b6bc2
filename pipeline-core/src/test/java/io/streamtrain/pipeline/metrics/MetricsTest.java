package io.streamtrain.pipeline.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void classificationMetricsFromAConfusionMatrix() {
        ClassificationMetrics metrics = new ClassificationMetrics(3);
        // actual 0: 3 right, 1 predicted as 1; actual 1: 2 right; actual 2: 1 predicted as 0. Class 2 never predicted.
        for (int i = 0; i < 3; i++) {
            metrics.add(0, 0);
        }
        metrics.add(0, 1);
        metrics.add(1, 1);
        metrics.add(1, 1);
        metrics.add(2, 0);
        Map<String, Double> m = metrics.metrics();
        assertThat(m.get("accuracy")).isCloseTo(5.0 / 7, within(1e-12));
        // precision: 3/4, 2/3, 0; recall: 3/4, 1, 0
        assertThat(m.get("macro_precision")).isCloseTo((0.75 + 2.0 / 3) / 3, within(1e-12));
        assertThat(m.get("macro_recall")).isCloseTo((0.75 + 1.0) / 3, within(1e-12));
        assertThat(m.get("macro_f1")).isCloseTo((0.75 + 0.8) / 3, within(1e-12));
        assertThat(metrics.confusionMatrix()[2][0]).isEqualTo(1);
    }

    @Test
    void regressionMetrics() {
        RegressionMetrics metrics = new RegressionMetrics();
        metrics.add(1, 2);
        metrics.add(2, 2);
        metrics.add(3, 2);
        metrics.add(6, 4);
        Map<String, Double> m = metrics.metrics();
        assertThat(m.get("mse")).isCloseTo(6.0 / 4, within(1e-12));
        assertThat(m.get("rmse")).isCloseTo(Math.sqrt(1.5), within(1e-12));
        assertThat(m.get("mae")).isCloseTo(4.0 / 4, within(1e-12));
        // actual mean 3, total sum of squares 14 -> variance 3.5; r2 = 1 - 1.5 / 3.5
        assertThat(m.get("r2")).isCloseTo(1 - 1.5 / 3.5, within(1e-12));
    }

    @Test
    void perClassScoresAndLogLoss() {
        ClassificationMetrics metrics = new ClassificationMetrics(2);
        metrics.add(0, 0, 0.9);
        metrics.add(0, 1, 0.4);
        metrics.add(1, 1, 0.7);
        metrics.add(1, 1, 0.0);
        assertThat(metrics.metrics().get("log_loss")).isCloseTo(
                -(Math.log(0.9) + Math.log(0.4) + Math.log(0.7) + Math.log(1e-15)) / 4, within(1e-12));
        var scores = metrics.perClass(java.util.List.of("no", "yes"));
        assertThat(scores.get(0).name()).isEqualTo("no");
        assertThat(scores.get(0).precision()).isEqualTo(1.0);
        assertThat(scores.get(0).recall()).isEqualTo(0.5);
        assertThat(scores.get(1).precision()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(scores.get(1).support()).isEqualTo(2);
    }

    @Test
    void residualSummaryAndMetricsOnAResample() {
        Predictions predictions = Predictions.regression(new double[] {1, 2, 3, 4, 5}, new double[] {2, 2, 3, 3, 9});
        var residuals = predictions.residuals();
        // residuals 1, 0, 0, -1, 4
        assertThat(residuals.mean()).isCloseTo(0.8, within(1e-12));
        assertThat(residuals.p50()).isEqualTo(0.0);
        assertThat(residuals.maxAbs()).isEqualTo(4.0);
        assertThat(residuals.p05()).isCloseTo(-0.8, within(1e-12));
        assertThat(predictions.metric(io.streamtrain.pipeline.spec.Metric.MAE, new int[] {4, 4, 0}))
                .isCloseTo(3.0, within(1e-12));
        assertThat(predictions.metric(io.streamtrain.pipeline.spec.Metric.MAE, null)).isCloseTo(1.2, within(1e-12));
    }
}
