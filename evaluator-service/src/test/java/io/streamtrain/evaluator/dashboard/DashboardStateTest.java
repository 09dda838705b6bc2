package io.streamtrain.evaluator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import org.junit.jupiter.api.Test;

/** The dashboard's counts and curves from events alone. */
class DashboardStateTest {

    @Test
    void countsRecordsByTheSecondAndKeepsCurvesBounded() {
        DashboardState state = new DashboardState("p");
        state.accepted(1_000);
        state.accepted(1_500);
        state.rejected(dead("ingest", ReasonCode.WRONG_TYPE), 1_700);
        state.accepted(2_100);
        // A record rejected by preprocessing had been accepted by ingest: it counts in once, as rejected.
        state.rejected(dead("preprocess", ReasonCode.DUPLICATE_ID), 2_200);
        DashboardState.Snapshot snapshot = state.snapshot();
        assertThat(snapshot.recordsIn()).isEqualTo(4);
        assertThat(snapshot.accepted()).isEqualTo(2);
        assertThat(snapshot.rejected()).isEqualTo(2);
        assertThat(snapshot.rejectedByReason()).containsEntry("WRONG_TYPE", 1L).containsEntry("DUPLICATE_ID", 1L);
        assertThat(snapshot.records()).hasSize(2);
        assertThat(snapshot.records().get(1)).containsExactly(2_000, 4, 2, 2);

        for (int step = 1; step <= 5_000; step++) {
            state.progress(new ProgressEvent(SchemaVersion.CURRENT, "p", 1, step, step * 10L, 1.0 / step, 100, 0,
                    step, 0, null, "t1"));
        }
        DashboardState.Trainer trainer = state.snapshot().trainers().get("t1");
        assertThat(trainer.loss()).hasSizeBetween(DashboardState.MAX_POINTS / 2, DashboardState.MAX_POINTS);
        assertThat(trainer.loss().get(0)[0]).isEqualTo(1);
        assertThat(trainer.loss().get(trainer.loss().size() - 1)[0]).isEqualTo(5_000);
        assertThat(trainer.last().step()).isEqualTo(5_000);
    }

    private static RejectedRecord dead(String stage, ReasonCode reason) {
        return new RejectedRecord(SchemaVersion.CURRENT, "p", "id", stage, reason, null, "d", null, null, false, 0,
                null);
    }
}
