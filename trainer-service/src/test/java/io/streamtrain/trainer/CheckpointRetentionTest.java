package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointRetentionTest {

    private static final List<String> ON_DISK = List.of("e002-s00000500", "e002-s00000400", "e001-s00000300",
            "e001-s00000200", "e001-s00000100");

    @Test
    void keepsTheNewestTheChampionAndWhatIsNotEvaluatedYet() {
        CheckpointRetention retention = new CheckpointRetention(2);
        retention.observe(evaluation("e001-s00000100", Verdict.PROMOTED));
        retention.observe(evaluation("e001-s00000200", Verdict.PROMOTED));
        retention.observe(evaluation("e001-s00000300", Verdict.REJECTED));
        retention.observe(evaluation("e002-s00000400", Verdict.REJECTED));
        assertThat(retention.deletable(ON_DISK)).containsExactly("e001-s00000300", "e001-s00000100");
    }

    @Test
    void anUnevaluatedCheckpointIsNeverDeleted() {
        CheckpointRetention retention = new CheckpointRetention(1);
        retention.observe(evaluation("e001-s00000100", Verdict.ERROR));
        assertThat(retention.deletable(ON_DISK)).containsExactly("e001-s00000100");
    }

    @Test
    void zeroKeepsEverything() {
        CheckpointRetention retention = new CheckpointRetention(0);
        ON_DISK.forEach(id -> retention.observe(evaluation(id, Verdict.REJECTED)));
        assertThat(retention.deletable(ON_DISK)).isEmpty();
    }

    private static EvaluationEvent evaluation(String id, Verdict verdict) {
        return new EvaluationEvent(1, "p", id, 1, 1, false, 10, Map.of(), List.of(), null, verdict, "accuracy",
                0.5, null, "test", 0L);
    }
}
