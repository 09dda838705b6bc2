package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.Verdict;
import io.streamtrain.pipeline.spec.Metric;
import org.junit.jupiter.api.Test;

class GateDecisionTest {

    @Test
    void theFirstModelIsPromoted() {
        GateDecision decision = GateDecision.decide(Metric.ACCURACY, 0.5, null);
        assertThat(decision.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(decision.reason()).contains("first model");
    }

    @Test
    void onlyAStrictImprovementInTheMetricsDirectionIsPromoted() {
        assertThat(GateDecision.decide(Metric.ACCURACY, 0.91, 0.90).verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(GateDecision.decide(Metric.ACCURACY, 0.90, 0.90).verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(GateDecision.decide(Metric.RMSE, 10.0, 12.0).verdict()).isEqualTo(Verdict.PROMOTED);
        GateDecision worse = GateDecision.decide(Metric.RMSE, 13.0, 12.0);
        assertThat(worse.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(worse.reason()).contains("rmse = 13.000000 vs champion 12.000000", "lower is better");
    }

    @Test
    void aNonNumberIsNeverPromoted() {
        assertThat(GateDecision.decide(Metric.R2, Double.NaN, null).verdict()).isEqualTo(Verdict.REJECTED);
    }
}
