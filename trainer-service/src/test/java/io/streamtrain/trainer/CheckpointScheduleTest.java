package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** When periodic checkpoints fall due: by steps after every step or every round, and by time on a slow stream. */
class CheckpointScheduleTest {

    private final AtomicLong clock = new AtomicLong();

    @Test
    void stepsCrossingAMultipleOfCheckpointEveryAreDueWhetherTheyComeOneByOneOrARoundAtATime() {
        CheckpointSchedule schedule = new CheckpointSchedule(5, 0, 0, clock::get);
        assertThat(schedule.due(4)).isFalse();
        assertThat(schedule.due(5)).isTrue();
        schedule.saved(5);
        assertThat(schedule.due(5)).as("nothing new").isFalse();
        assertThat(schedule.due(9)).isFalse();
        assertThat(schedule.due(12)).as("a round of 7 steps crossed 10").isTrue();
        schedule.saved(12);
        assertThat(schedule.due(14)).isFalse();
        assertThat(schedule.due(15)).isTrue();
        assertThat(schedule.savedAt(12)).isTrue();
    }

    @Test
    void withSecondsATimeCheckpointIsDueOnceThatLongPassedWithNewSteps() {
        CheckpointSchedule schedule = new CheckpointSchedule(1_000, 2, 3, clock::get);
        clock.addAndGet(1_999_000_000L);
        assertThat(schedule.due(4)).isFalse();
        clock.addAndGet(1_000_000L);
        assertThat(schedule.due(3)).as("no step since the restored checkpoint").isFalse();
        assertThat(schedule.due(4)).isTrue();
        schedule.saved(4);
        clock.addAndGet(5_000_000_000L);
        assertThat(schedule.due(4)).as("a stream that stopped: nothing to save").isFalse();
        assertThat(schedule.due(5)).isTrue();
    }

    @Test
    void withoutSecondsTimeNeverMakesACheckpointDue() {
        CheckpointSchedule schedule = new CheckpointSchedule(100, 0, 0, clock::get);
        clock.addAndGet(3_600_000_000_000L);
        assertThat(schedule.due(99)).isFalse();
    }
}
