package io.streamtrain.trainer;

import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.spec.OptimizerStateSync;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * A member's side of the sync rounds. In: its local work, the rounds its {@link SyncChannel} sees close, and a
 * request to stop the run. Out: when to contribute (after {@code sync.everySteps} local steps, when it ran out of
 * data with work to hand in or others wait for it, when a new partition waits for its contribution, or when it
 * asks the group to stop); the contribution (with the optimizer state under {@code optimizerState: average}, with
 * the stop reason when asked); the round it waits for, and a {@code CLOSE} for that round once it waited
 * {@code train.sync.timeoutSeconds}; its {@code LEAVE} on shutdown; and how long it waited.
 */
final class SyncParticipant implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SyncParticipant.class);

    private final SyncChannel channel;
    private final PipelineSpec.Sync settings;
    private final String pipeline;
    private final String member;
    private final long timeoutMillis;
    private String stopReason;
    private long awaitedRound = -1;
    private long awaitingSince;
    private boolean closeSent;
    private long maxWaitMillis;
    private long waitNanos;
    private volatile boolean left;

    SyncParticipant(SyncChannel channel, PipelineSpec spec, String member) {
        this.channel = channel;
        this.settings = spec.train().sync();
        this.pipeline = spec.pipeline();
        this.member = member;
        this.timeoutMillis = settings.timeoutSeconds() * 1000L;
    }

    /** Asks the group to end the run with the next round this member contributes to. */
    void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
            LOG.infof("trainer %s asks the group of '%s' to stop with the next round: %s", member, pipeline, reason);
        }
    }

    /** Whether to contribute now; {@code idle}: nothing came to read last time. */
    boolean shouldContribute(LocalWork local, SyncRounds rounds, boolean idle, boolean partitionWaiting) {
        if (stopReason != null || partitionWaiting || local.batchIds.size() >= settings.everySteps()) {
            return true;
        }
        boolean othersWait = rounds.roundUnderWay() && !rounds.contributedToOpenRound(member);
        return idle && (!local.empty() || othersWait);
    }

    /** Sends {@code local} work and {@code session}'s parameters to the open round, then waits for it; the round. */
    long contribute(LocalWork local, SyncRounds rounds, TrainingSession session, int statsVersion)
            throws IOException {
        float[] optimizerState = settings.optimizerState() == OptimizerStateSync.AVERAGE
                ? session.optimizerStateVector() : null;
        SyncMessage contribution = SyncMessage.contribution(pipeline, rounds.openRound(), member, rounds.epoch(),
                local.samples, local.batchIds, local.offsets, List.copyOf(local.finished), local.meanLoss(),
                session.parameterVector(), optimizerState).withStatsVersion(statsVersion);
        contribute(stopReason == null ? contribution : contribution.stoppingBecause(stopReason));
        return contribution.round();
    }

    boolean awaiting() {
        return awaitedRound >= 0;
    }

    /** The rounds that closed since the last look (without waiting). */
    List<SyncRounds.Result> poll() {
        return channel.poll(Duration.ZERO);
    }

    /** The rounds closed up to the end of the sync topic as of now. */
    List<SyncRounds.Result> catchUp() {
        return channel.catchUp();
    }

    private void contribute(SyncMessage contribution) throws IOException {
        channel.send(contribution);
        awaitedRound = contribution.round();
        awaitingSince = System.nanoTime();
        closeSent = false;
    }

    /**
     * Waits up to 50 ms for rounds to close; once the awaited one waited the timeout, closes it without the
     * members still missing. Returns the rounds that closed.
     */
    List<SyncRounds.Result> await() throws IOException {
        long started = System.nanoTime();
        List<SyncRounds.Result> closed = channel.poll(Duration.ofMillis(50));
        boolean stillAwaited = closed.stream().noneMatch(r -> r.round() == awaitedRound);
        long waited = (System.nanoTime() - awaitingSince) / 1_000_000;
        if (stillAwaited && !closeSent && waited >= timeoutMillis) {
            LOG.warnf("sync round %d of '%s' waited %d ms; closing it without the members still missing",
                    awaitedRound, pipeline, waited);
            channel.send(SyncMessage.close(pipeline, awaitedRound, member));
            closeSent = true;
        }
        waitNanos += System.nanoTime() - started;
        return closed;
    }

    /** A round closed; true when it is the one this member waited for (it then waits for none). */
    boolean closed(SyncRounds.Result result) {
        if (result.round() != awaitedRound) {
            return false;
        }
        maxWaitMillis = Math.max(maxWaitMillis, (System.nanoTime() - awaitingSince) / 1_000_000);
        awaitedRound = -1;
        return true;
    }

    /** Tells the group this member leaves, once (later rounds do not wait for it); any thread. */
    void leave() {
        if (!left) {
            left = true;
            try {
                channel.send(SyncMessage.leave(pipeline, member));
            } catch (IOException e) {
                LOG.warnf("could not announce leaving the group: %s", e.getMessage());
            }
        }
    }

    String summary() {
        return String.format("trainer %s waited at most %d ms for a sync round and sent %d bytes; %d ms waiting for"
                + " rounds", member, maxWaitMillis, channel.bytesSent(), waitNanos / 1_000_000);
    }

    void wakeup() {
        channel.wakeup();
    }

    @Override
    public void close() {
        channel.close();
    }
}
