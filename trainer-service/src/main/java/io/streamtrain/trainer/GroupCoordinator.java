package io.streamtrain.trainer;

import io.streamtrain.model.ResumePoint;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One member of a group of trainers (the spec has {@code train.sync}). In: the train batch partitions the consumer
 * group gives this member ({@link GroupMembership}, {@link GroupReader}), and the sync topic
 * ({@link SyncParticipant}, {@link SyncRounds}). Out: the batches for local steps; after {@code sync.everySteps} of
 * them (or when it runs out of data, others wait for it, or it asks the group to stop) a contribution to the open
 * round; after each closed round the group's averaged parameters and position, reported as an occasion (this
 * member writes the group's checkpoint when it is the round's first contributor).
 *
 * <p>Exactly once: the offsets and the lineage advance only through closed rounds. A member left out of a round
 * drops its local steps and rereads its partitions from the round's offsets; a partition newly assigned to it is
 * read only from a round it contributed to after the assignment ({@link GroupReader}); a member that loses
 * partitions first contributes what it trained on them. A restarted member continues from the newest checkpoint
 * and replays the rounds closed after it ({@link GroupStart}).
 */
final class GroupCoordinator implements TrainingCoordinator, GroupMembership.Listener {

    private static final Logger LOG = Logger.getLogger(GroupCoordinator.class);
    private static final long SYNC_POLL_NANOS = 10_000_000L;

    private final PipelineSpec spec;
    private final GroupStart start;
    private final String member;
    private final GroupMembership membership;
    private final GroupReader reader;
    private final LocalWork local = new LocalWork();
    private TrainingRun run;
    private Checkpoints checkpoints;
    private SyncParticipant sync;
    private SyncRounds rounds;
    private SyncRounds.Result applying;
    private final boolean[] idle = {true};
    private boolean complete;
    private long lastSyncPoll;

    GroupCoordinator(PipelineSpec spec, KafkaSettings kafka, GroupStart start, String member, long prefetchBytes,
                     int feedNiceness) {
        this.spec = spec;
        this.start = start;
        this.member = member;
        this.membership = new GroupMembership(spec, kafka, member);
        this.reader = new GroupReader(spec, start.run(), kafka, member, prefetchBytes, feedNiceness);
    }

    @Override
    public boolean start(TrainingRun run, Checkpoints checkpoints) throws Exception {
        this.run = run;
        this.checkpoints = checkpoints;
        int partitionCount = membership.partitionCount();
        rounds = start.restore(run, partitionCount);
        if (rounds == null) {
            return false;
        }
        sync = new SyncParticipant(start.connect(rounds, member), spec, member);
        if (rounds.last() != null) {
            adopt(rounds.last());
        }
        run.progress.moveTo(rounds.epoch(), rounds.steps(), rounds.samples());
        LOG.infof("trainer %s starts after sync round %d: epoch %d, %d steps, %d batches in the lineage", member,
                rounds.closedRound(), rounds.epoch(), rounds.steps(), rounds.lineage().count());
        if (rounds.last() != null && rounds.last().complete()) {
            return false;
        }
        reader.start();
        membership.join(this);
        LOG.infof("trainer %s joins the group of '%s' (%d partitions; averaging every %d steps)", member,
                spec.pipeline(), partitionCount, spec.train().sync().everySteps());
        return true;
    }

    @Override
    public DirectBatch next(Duration timeout) throws Exception {
        membership.poll();
        if (sync.awaiting()) {
            for (SyncRounds.Result result : sync.await()) {
                apply(result);
            }
            return null;
        }
        // Others' rounds matter between steps, but polling the sync topic every step costs.
        if (idle[0] || System.nanoTime() - lastSyncPoll > SYNC_POLL_NANOS) {
            lastSyncPoll = System.nanoTime();
            for (SyncRounds.Result result : sync.poll()) {
                apply(result);
            }
        }
        if (complete) {
            return null;
        }
        if (!sync.awaiting() && sync.shouldContribute(local, rounds, idle[0], reader.waitingForContribution())) {
            contribute();
            return null;
        }
        membership.commitAfter(rounds.closedRound(), reader.active(), rounds.offsets());
        DirectBatch batch = reader.next(timeout, local, idle);
        if (idle[0] && local.empty() && rounds.last() != null) {
            // Nothing trained since the last round: the model is that round's, a consistent point for a
            // time-based checkpoint of a slow stream.
            report(rounds.last(), Occasion.Kind.STEP, null);
        }
        return batch;
    }

    @Override
    public void stepped(DirectBatch batch, boolean applied, float loss) {
        if (applied) {
            local.trained(batch.batchId(), batch.rows(), loss);
        }
        reader.release(batch);
    }

    @Override
    public void stop(String reason) {
        sync.stop(reason);
    }

    /** Sends this member's work to the open round (unless the rounds it had not seen yet completed the run). */
    private void contribute() throws IOException {
        for (SyncRounds.Result result : sync.catchUp()) {
            apply(result);
        }
        if (!complete) {
            reader.contributed(sync.contribute(local, rounds, run.session, run.stats.version()));
        }
    }

    /** A closed round: take the group's parameters, move the partitions to where the group stands, report it. */
    private void apply(SyncRounds.Result result) throws IOException {
        boolean awaited = sync.closed(result);
        boolean included = result.members().contains(member);
        boolean dropLocalWork = !included && !local.empty();
        if (awaited || dropLocalWork) {
            if (!included) {
                LOG.warnf("sync round %d closed without trainer %s; its last %d steps are dropped and their"
                        + " batches read again", result.round(), member, local.batchIds.size());
            }
            local.clear();
        }
        adopt(result);
        reader.afterRound(result, local, rounds, !included && (awaited || dropLocalWork));
        run.progress.moveTo(rounds.epoch(), rounds.steps(), rounds.samples());
        complete = result.complete();
        Occasion.Kind kind = complete || result.segmentEnded() ? Occasion.Kind.FINAL
                : result.epochEnded() ? Occasion.Kind.EPOCH_END : Occasion.Kind.STEP;
        String reason = kind != Occasion.Kind.FINAL ? null : result.stopReason() != null ? result.stopReason()
                : "completed " + result.epoch() + " epochs" + (result.segment() > 1 ? " of segment "
                + result.segment() : "") + " with a group of " + result.members().size() + " trainer(s)";
        report(result, kind, reason);
    }

    /** Reports the point after {@code result}; its first contributor writes the checkpoint, if one falls due. */
    private void report(SyncRounds.Result result, Occasion.Kind kind, String reason) throws IOException {
        applying = result;
        try {
            checkpoints.at(new Occasion(kind, result.epochEnded() && kind != Occasion.Kind.STEP ? result.epoch()
                    : rounds.epoch(), member.equals(result.writer()), reason));
        } finally {
            applying = null;
        }
    }

    private void adopt(SyncRounds.Result result) {
        start.adopt(run, result);
    }

    @Override
    public void assigned(Collection<Integer> given) {
        reader.assigned(given, rounds.closedRound());
    }

    @Override
    public void revoked(Collection<Integer> taken) {
        // What was trained on them goes to the group before anyone else may read them.
        if (!sync.awaiting() && !local.empty() && !complete) {
            try {
                contribute();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        reader.forget(taken, local, rounds);
    }

    @Override
    public void lost(Collection<Integer> taken) {
        // Someone else may already read them: this member's unsent work on them cannot count.
        if (!sync.awaiting() && !local.empty()) {
            local.clear();
            if (rounds.last() != null) {
                adopt(rounds.last());
            }
        }
        reader.forget(taken, local, rounds);
    }

    @Override
    public String nextSegment() {
        return complete ? null : "segment " + (rounds.segment() - 1) + " is complete; the group goes on with segment "
                + rounds.segment() + ", the data published after its end-of-data marker";
    }

    @Override
    public ResumePoint resumePoint(boolean complete) {
        SyncRounds.Result result = applying != null ? applying : rounds.last();
        // A segment's end is already behind the rounds (they stand at the next segment's start): only a stop
        // completes the group's run.
        return new ResumePoint(rounds.epoch(), rounds.steps(), rounds.samples(), rounds.offsets(), rounds.finished(),
                complete && this.complete, rounds.lineage().count(), rounds.lineage().sha256(), result.round(),
                result.members(), result.closedAtOffset(), rounds.segment(), rounds.segmentStart());
    }

    /** The partitions this member reads now. */
    Set<Integer> reading() {
        return reader.active();
    }

    @Override
    public Lineage lineage() {
        return rounds.lineage();
    }

    @Override
    public long lag() {
        return reader.lag();
    }

    @Override
    public boolean prunes() {
        // During the run whoever writes a checkpoint prunes; after it, the writer of the last round.
        return complete && rounds.last() != null && member.equals(rounds.last().writer());
    }

    @Override
    public String summary() {
        return String.format("group training of '%s' complete: %d steps, %d batches in the lineage; %s",
                spec.pipeline(), rounds.steps(), rounds.lineage().count(), sync.summary());
    }

    @Override
    public void leave() {
        if (sync != null) {
            sync.leave();
        }
    }

    @Override
    public void wakeup() {
        membership.wakeup();
        if (sync != null) {
            sync.wakeup();
        }
    }

    @Override
    public void close() {
        membership.close();
        try {
            reader.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sync != null) {
            sync.close();
        }
    }
}
