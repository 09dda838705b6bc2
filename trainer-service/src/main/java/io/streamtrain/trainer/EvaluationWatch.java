package io.streamtrain.trainer;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;

/**
 * What a trainer learns from the evaluations of its pipeline. In: {@code streamtrain.evaluations.v1}, read at most
 * every 250 ms while training (reading per step would slow training down). Out: checkpoint retention told which
 * checkpoints were looked at (and, where this trainer prunes, the ones no longer needed deleted), and early
 * stopping's verdict: a reason to stop once {@code train.patience} evaluations in a row did not improve.
 */
final class EvaluationWatch implements AutoCloseable {

    private static final long READ_EVERY_NANOS = 250_000_000L;

    private final EvaluationFollower follower;
    private final EarlyStopping earlyStopping;
    private final CheckpointPublisher checkpoints;
    private long lastRead;

    EvaluationWatch(PipelineSpec spec, KafkaSettings kafka, String clientId, CheckpointPublisher checkpoints) {
        this.follower = new EvaluationFollower(kafka, checkpoints.run(), clientId);
        this.earlyStopping = new EarlyStopping(spec.evaluate().metric(), spec.train().patience());
        this.checkpoints = checkpoints;
    }

    void start() {
        follower.start();
    }

    /** Reads what arrived, unless it read less than 250 ms ago; {@code prune}: delete what retention allows. */
    void readIfDue(boolean prune) {
        long now = System.nanoTime();
        if (now - lastRead >= READ_EVERY_NANOS) {
            lastRead = now;
            read(Duration.ZERO, prune);
        }
    }

    /** Reads the evaluations that arrive within {@code timeout}. */
    void read(Duration timeout, boolean prune) {
        List<EvaluationEvent> arrived = follower.poll(timeout);
        for (EvaluationEvent evaluation : arrived) {
            earlyStopping.observe(evaluation);
            checkpoints.observe(evaluation);
        }
        if (prune && !arrived.isEmpty()) {
            checkpoints.prune();
        }
    }

    /** Early stopping counts only evaluations of checkpoints after {@code step} (a new segment, or a restart). */
    void countAfter(long step) {
        earlyStopping.restartAfter(step);
    }

    /** Why training should stop now ({@code train.patience} exhausted), or null. */
    String stopReason() {
        return earlyStopping.stopReason();
    }

    void wakeup() {
        follower.wakeup();
    }

    @Override
    public void close() {
        follower.close();
    }
}
