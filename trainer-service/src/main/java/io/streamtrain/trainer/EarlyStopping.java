package io.streamtrain.trainer;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.pipeline.spec.Metric;

/**
 * Decides when training stops early. In: the evaluations of the pipeline's checkpoints, in order. Out: a reason
 * to stop once {@code patience} evaluations in a row did not improve on the best value of the spec's metric so
 * far; null while training should go on, or always when patience is 0.
 */
final class EarlyStopping {

    private final Metric metric;
    private final int patience;
    private Double best;
    private String bestCheckpoint;
    private int withoutImprovement;
    private long ignoreUpTo = -1;

    EarlyStopping(Metric metric, int patience) {
        this.metric = metric;
        this.patience = patience;
    }

    /**
     * Starts counting again: evaluations of checkpoints up to {@code step} (an earlier segment, or before a restart)
     * no longer count.
     */
    void restartAfter(long step) {
        ignoreUpTo = step;
        best = null;
        bestCheckpoint = null;
        withoutImprovement = 0;
    }

    void observe(EvaluationEvent evaluation) {
        if (evaluation.verdict() == Verdict.ERROR || evaluation.value() == null || evaluation.step() <= ignoreUpTo) {
            return;
        }
        if (best == null || metric.improves(evaluation.value(), best)) {
            best = evaluation.value();
            bestCheckpoint = evaluation.checkpointId();
            withoutImprovement = 0;
        } else {
            withoutImprovement++;
        }
    }

    /** Why to stop now, or null. */
    String stopReason() {
        if (patience == 0 || withoutImprovement < patience) {
            return null;
        }
        return String.format("early stop: %s did not improve for %d evaluations (best %.6f at %s)", metric.key(),
                withoutImprovement, best, bestCheckpoint);
    }
}
