package io.streamtrain.evaluator;

import io.streamtrain.contracts.Verdict;
import io.streamtrain.pipeline.spec.Metric;

/**
 * The champion gate's verdict on one checkpoint, with the reason in words. A checkpoint is promoted when there is
 * no champion yet, or when its metric is strictly better than the champion's on the same validation rows.
 */
public record GateDecision(Verdict verdict, String reason) {

    public static GateDecision decide(Metric metric, double challenger, Double champion) {
        if (Double.isNaN(challenger)) {
            return new GateDecision(Verdict.REJECTED, metric.key() + " is not a number");
        }
        if (champion == null) {
            return new GateDecision(Verdict.PROMOTED, String.format("first model: %s = %.6f", metric.key(), challenger));
        }
        String comparison = String.format("%s = %.6f vs champion %.6f (%s is better)", metric.key(), challenger,
                champion, metric.higherIsBetter() ? "higher" : "lower");
        return metric.improves(challenger, champion)
                ? new GateDecision(Verdict.PROMOTED, "improves on the champion: " + comparison)
                : new GateDecision(Verdict.REJECTED, "does not improve on the champion: " + comparison);
    }
}
