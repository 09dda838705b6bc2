package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.pipeline.spec.Metric;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {

    @Test
    void stopsAfterPatienceEvaluationsWithoutImprovementInTheMetricsDirection() {
        EarlyStopping stopping = new EarlyStopping(Metric.RMSE, 2);
        stopping.observe(evaluation("c1", 10.0));
        stopping.observe(evaluation("c2", 8.0));
        stopping.observe(evaluation("c3", 9.0));
        assertThat(stopping.stopReason()).isNull();
        stopping.observe(evaluation("c4", null));
        assertThat(stopping.stopReason()).as("an evaluation without a value does not count").isNull();
        stopping.observe(evaluation("c5", 8.0));
        assertThat(stopping.stopReason()).isEqualTo("early stop: rmse did not improve for 2 evaluations (best 8.000000 at c2)");
    }

    @Test
    void anImprovementResetsTheCountAndZeroPatienceNeverStops() {
        EarlyStopping stopping = new EarlyStopping(Metric.ACCURACY, 2);
        stopping.observe(evaluation("c1", 0.5));
        stopping.observe(evaluation("c2", 0.4));
        stopping.observe(evaluation("c3", 0.6));
        stopping.observe(evaluation("c4", 0.6));
        assertThat(stopping.stopReason()).isNull();
        EarlyStopping never = new EarlyStopping(Metric.ACCURACY, 0);
        for (int i = 0; i < 10; i++) {
            never.observe(evaluation("c" + i, 0.5));
        }
        assertThat(never.stopReason()).isNull();
    }

    private static EvaluationEvent evaluation(String checkpoint, Double value) {
        return new EvaluationEvent(1, "p", checkpoint, 1, 1, false, 10, Map.of(), null, null,
                value == null ? Verdict.ERROR : Verdict.REJECTED, "m", value, null, "r", 1L);
    }
}
