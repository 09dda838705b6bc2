package io.streamtrain.trainer;

import java.util.function.LongSupplier;

/**
 * When a periodic checkpoint falls due. In: the step count at each point where a checkpoint could be written, and
 * the checkpoints written. Out: due once the steps cross a multiple of {@code train.checkpointEvery} since the last
 * checkpoint, or, with {@code train.checkpointEverySeconds}, once that long has passed with new steps (what makes a
 * slow stream evaluated at all). The same rule serves one trainer (asked after every step) and a group (asked
 * after every sync round, where the steps move on by a round's worth).
 */
final class CheckpointSchedule {

    private final int everySteps;
    private final long everyNanos;
    private final LongSupplier clock;
    private long lastStep;
    private long lastNanos;

    CheckpointSchedule(int everySteps, int everySeconds, long fromStep, LongSupplier clock) {
        this.everySteps = everySteps;
        this.everyNanos = everySeconds * 1_000_000_000L;
        this.clock = clock;
        this.lastStep = fromStep;
        this.lastNanos = clock.getAsLong();
    }

    CheckpointSchedule(int everySteps, int everySeconds, long fromStep) {
        this(everySteps, everySeconds, fromStep, System::nanoTime);
    }

    /** Whether a checkpoint at {@code step} is due. */
    boolean due(long step) {
        if (step <= lastStep) {
            return false;
        }
        return step / everySteps > lastStep / everySteps
                || everyNanos > 0 && clock.getAsLong() - lastNanos >= everyNanos;
    }

    /** Whether the last checkpoint was taken at {@code step} already. */
    boolean savedAt(long step) {
        return step == lastStep;
    }

    /** A checkpoint was taken at {@code step}: the next periods count from here. */
    void saved(long step) {
        lastStep = step;
        lastNanos = clock.getAsLong();
    }
}
