package io.streamtrain.evaluator;

import io.streamtrain.contracts.GateReport;
import io.streamtrain.pipeline.metrics.Predictions;
import io.streamtrain.pipeline.spec.Metric;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A paired bootstrap confidence interval of a challenger's improvement over the champion. In: both models'
 * predictions on the same validation rows. Out: the percentile interval of the improvement (in the metric's better
 * direction) over resamples of the rows drawn with replacement, the same rows for both models in each resample,
 * so row-to-row difficulty cancels out. Seeded: the same inputs give the same interval.
 */
final class PairedBootstrap {

    private PairedBootstrap() {
    }

    static GateReport.Interval interval(Predictions challenger, Predictions champion, Metric metric, int samples,
                                        double level, long seed) {
        if (challenger.rows() != champion.rows()) {
            throw new IllegalArgumentException("paired predictions need the same rows: " + challenger.rows()
                    + " vs " + champion.rows());
        }
        int rows = challenger.rows();
        SplittableRandom random = new SplittableRandom(seed);
        double[] improvements = new double[samples];
        int[] indices = new int[rows];
        for (int s = 0; s < samples; s++) {
            for (int i = 0; i < rows; i++) {
                indices[i] = random.nextInt(rows);
            }
            improvements[s] = metric.improvement(challenger.metric(metric, indices), champion.metric(metric, indices));
        }
        Arrays.sort(improvements);
        double tail = (1 - level) / 2;
        return new GateReport.Interval(level, quantile(improvements, tail), quantile(improvements, 1 - tail), samples);
    }

    private static double quantile(double[] sorted, double q) {
        int index = (int) Math.round(q * (sorted.length - 1));
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
