package io.streamtrain.trainer;

import io.streamtrain.model.ResumePoint;
import io.streamtrain.pipeline.batch.DirectBatch;
import java.io.IOException;
import java.time.Duration;

/**
 * What differs between a trainer that trains alone and a member of a group: where its batches come from and how
 * its position (epoch, offsets, lineage) moves on. In: the {@link TrainingLoop}'s calls on the training thread.
 * Out: the batches to train, and the points where the model and its position agree, reported to the loop's
 * {@link Checkpoints} as they happen; the loop decides which become checkpoints.
 *
 * <p>{@link SoloCoordinator} reads every partition and moves on after each step; {@link GroupCoordinator} reads
 * the partitions the consumer group gives it and moves on only through closed sync rounds.
 */
interface TrainingCoordinator extends AutoCloseable {

    /** The loop's side: told of each point where a checkpoint would be consistent. */
    interface Checkpoints {
        void at(Occasion occasion) throws IOException;
    }

    /**
     * A consistent point: after a step (or a round), an epoch's end, or the run's end (with why). {@code epoch} is
     * the label a checkpoint written here gets; {@code writer} says whether this trainer writes it (in a group,
     * the round's first contributor).
     */
    record Occasion(Kind kind, int epoch, boolean writer, String stopReason) {
        enum Kind { STEP, EPOCH_END, FINAL }
    }

    /**
     * Restores the newest checkpoint (or prepares a new run) into {@code run}; false when that run is complete
     * and there is nothing to train.
     */
    boolean start(TrainingRun run, Checkpoints checkpoints) throws Exception;

    /**
     * The next batch to train on, or null when there is none within {@code timeout}; does the bookkeeping and
     * coordination that fall due between steps, reporting occasions as they pass.
     */
    DirectBatch next(Duration timeout) throws Exception;

    /**
     * The loop stepped on {@code batch} ({@code applied} false: skipped, not finite); its buffer goes back to the
     * feed.
     */
    void stepped(DirectBatch batch, boolean applied, float loss) throws IOException;

    /** Ends the run for {@code reason}: alone at once, a group with its next round. */
    void stop(String reason) throws IOException;

    /**
     * After the final checkpoint of a segment: goes on with the next segment and says so in words; null when this
     * trainer's run ends there instead.
     */
    default String nextSegment() {
        return null;
    }

    /** Where a trainer continues from a checkpoint written at the current occasion. */
    ResumePoint resumePoint(boolean complete);

    /** The batches trained so far, as a checkpoint written now records them. */
    Lineage lineage();

    /** Train batches published but not yet trained on. */
    long lag();

    /** Whether this trainer deletes the checkpoints retention no longer needs. */
    boolean prunes();

    /** A line about the run when it completes, for the log and health. */
    String summary();

    /** On shutdown, from another thread: tell others this trainer leaves (once). */
    void leave();

    /** On shutdown, from another thread: interrupt polls that may block the training thread. */
    void wakeup();

    @Override
    void close();
}
