package io.streamtrain.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.pipeline.spec.BadRecordBudget;
import org.junit.jupiter.api.Test;

/** The running budget over the last records: a window that forgets the oldest, and preprocess rejections. */
class RecentBadRecordsTest {

    @Test
    void onlyTheLastRecordsCountAndARecordRejectedAfterItsAcceptanceCountsOnceAsBad() {
        RecentBadRecords recent = new RecentBadRecords(100);
        for (int i = 0; i < 100; i++) {
            if (i < 30) {
                recent.rejected("r" + i);
            } else {
                recent.accepted("r" + i);
            }
        }
        assertThat(recent.bad()).isEqualTo(30);
        assertThat(recent.over(BadRecordBudget.DEFAULT)).isTrue();
        for (int i = 100; i < 150; i++) {
            recent.accepted("r" + i);
        }
        // The 30 bad ones were the oldest: 50 new good records pushed 30 bad and 20 good out.
        assertThat(recent.records()).isEqualTo(100);
        assertThat(recent.bad()).isZero();
        recent.rejected("r140");
        assertThat(recent.records()).isEqualTo(100);
        assertThat(recent.bad()).isEqualTo(1);
        assertThat(recent.share()).isEqualTo(0.01);
        assertThat(recent.over(BadRecordBudget.DEFAULT)).isFalse();
    }
}
