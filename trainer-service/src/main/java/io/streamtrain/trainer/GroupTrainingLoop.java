package io.streamtrain.trainer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.Engines;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.StepResult;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.OptimizerStateSync;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PollingThread;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * One member of a group of trainers (the spec has {@code train.sync}). In: the train batch partitions this member
 * is assigned through the consumer group {@code streamtrain-trainer-<pipeline>}, and the sync topic. Out: local
 * optimizer steps; after {@code sync.everySteps} of them (or when it runs out of data, or others wait for it) a
 * contribution of its parameters, batches and offsets to the open sync round; after each round the group's
 * averaged parameters; and, when this member is the round's writer (its first contributor), the group's
 * checkpoints: averaged parameters, this member's optimizer state, the offsets of every partition as of that round
 * and the lineage of every included batch; and the group's offsets of its partitions committed to the consumer
 * group, so that lag monitors (KEDA) see the group's progress.
 *
 * <p>Exactly once: the offsets and the lineage advance only through closed rounds. A member left out of a round
 * (it was slower than the timeout) drops its local steps and rereads its partitions from the round's offsets. A
 * partition assigned to a member is read only after a round that the member contributed to after the assignment,
 * from that round's offsets; a member that loses partitions first contributes what it trained on them. A restarted
 * member continues from the newest checkpoint and
 * replays the rounds closed after it from the sync topic. The optimizer state (Adam's moments) stays local to
 * each member unless {@code train.sync.optimizerState} is {@code average}: then it travels with the parameters and
 * is averaged the same way.
 */
@ApplicationScoped
public class GroupTrainingLoop {

    private static final Logger LOG = Logger.getLogger(GroupTrainingLoop.class);
    private static final long SYNC_POLL_NANOS = 10_000_000L;

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final ProgressReporter progressReporter;
    private final TrainerMetrics metrics;
    private final TrainerState state;
    private final int threads;
    private final String member = memberId();
    private PollingThread loop;
    private KafkaConsumer<String, byte[]> consumer;
    private SyncChannel channel;
    private EvaluationFollower evaluations;
    private long lastEvaluationRead;
    private volatile boolean left;

    // The member's state; touched by the loop thread only (rebalance callbacks run inside its polls).
    private TrainingSession session;
    private NormalizationStats stats;
    private SyncRounds rounds;
    private final TrainingProgress progress = new TrainingProgress(1, 0, 0);
    private final Deque<ConsumerRecord<String, byte[]>> buffered = new ArrayDeque<>();
    private final Set<Integer> active = new LinkedHashSet<>();
    /** Assigned partitions not read yet, with the round after which they may be (-1: not contributed since). */
    private final Map<Integer, Long> pending = new TreeMap<>();
    private final Local local = new Local();
    private long awaitedRound = -1;
    private long awaitingSince;
    private boolean closeSent;
    private long lastCheckpointStep;
    private long maxRoundWaitMillis;
    /** Where this member's time went: optimizer steps, reading batches, contributing, waiting for rounds. */
    private long stepNanos;
    private long readNanos;
    private long contributeNanos;
    private long awaitNanos;
    private long lastSyncPoll;
    private long committedRound;

    public GroupTrainingLoop(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints,
                             ProgressReporter progressReporter, TrainerMetrics metrics, TrainerState state,
                             @ConfigProperty(name = "streamtrain.trainer.threads") int threads) {
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.progressReporter = progressReporter;
        this.metrics = metrics;
        this.state = state;
        this.threads = threads;
    }

    /** What this member trained since its last contribution. */
    private static final class Local {
        final List<String> batchIds = new ArrayList<>();
        final Map<Integer, Long> offsets = new HashMap<>();
        final Set<Integer> finished = new LinkedHashSet<>();
        long samples;
        double lossSum;

        boolean empty() {
            return batchIds.isEmpty() && offsets.isEmpty() && finished.isEmpty();
        }

        void clear() {
            batchIds.clear();
            offsets.clear();
            finished.clear();
            samples = 0;
            lossSum = 0;
        }
    }

    private static String memberId() {
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("trainer");
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    void onStart(@Observes StartupEvent event) {
        if (spec.train().sync() == null) {
            return;
        }
        Properties properties = kafka.consumer("trainer-" + spec.pipeline() + "-" + member,
                Topics.trainerGroup(spec.pipeline()));
        properties.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // Seeks after a round wait for the fetch in flight; keep its wait at the broker short.
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        consumer = new KafkaConsumer<>(properties);
        loop = PollingThread.start("group-training-loop", this::run, consumer);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop == null) {
            return;
        }
        if (channel != null && !left) {
            try {
                channel.send(SyncMessage.leave(spec.pipeline(), member));
            } catch (IOException e) {
                LOG.warnf("could not announce leaving the group: %s", e.getMessage());
            }
        }
        if (channel != null) {
            channel.wakeup();
        }
        loop.stop();
    }

    private void run(PollingThread polling) {
        try {
            Engines.pytorch(threads);
            state.set(TrainerState.Phase.STARTING, "waiting for the statistics of '" + spec.pipeline() + "'");
            int partitions = consumer.partitionsFor(Topics.BATCHES_TRAIN, Duration.ofSeconds(60)).size();
            if (!restore(partitions)) {
                return;
            }
            evaluations = new EvaluationFollower(kafka, spec.pipeline(), "trainer-evaluations-" + spec.pipeline()
                    + "-" + member);
            evaluations.start();
            consumer.subscribe(List.of(Topics.BATCHES_TRAIN), new Rebalance());
            state.set(TrainerState.Phase.TRAINING, "member " + member + " of the trainer group");
            LOG.infof("trainer %s joins the group of '%s' (%d partitions; averaging every %d steps)", member,
                    spec.pipeline(), partitions, spec.train().sync().everySteps());
            while (polling.running()) {
                if (awaitedRound >= 0) {
                    long start = System.nanoTime();
                    awaitRound();
                    awaitNanos += System.nanoTime() - start;
                } else {
                    boolean idle = trainNext();
                    // Others' rounds matter between steps, but polling the sync topic every step costs.
                    if (idle || System.nanoTime() - lastSyncPoll > SYNC_POLL_NANOS) {
                        lastSyncPoll = System.nanoTime();
                        for (SyncRounds.Result result : channel.poll(Duration.ZERO)) {
                            apply(result);
                        }
                    }
                    if (awaitedRound < 0 && shouldContribute(idle)) {
                        long start = System.nanoTime();
                        contribute();
                        contributeNanos += System.nanoTime() - start;
                    }
                }
                if (rounds.last() != null && rounds.last().complete()) {
                    finish(polling);
                    return;
                }
                commitGroupOffsets();
                followEvaluations();
            }
        } catch (WakeupException | InterruptedException e) {
            // Shutting down.
        } catch (Exception e) {
            state.set(TrainerState.Phase.FAILED, e.toString());
            LOG.error("group training stopped; the service exits and a restart continues from the newest checkpoint",
                    e);
            Quarkus.asyncExit(1);
        } finally {
            if (session != null) {
                session.close();
            }
            if (channel != null) {
                channel.close();
            }
            if (evaluations != null) {
                evaluations.close();
            }
            consumer.close();
        }
    }

    /** Starts from the newest checkpoint (or the beginning) and replays later rounds; false when complete. */
    private boolean restore(int partitions) throws Exception {
        Optional<CheckpointWriter.Restorable> saved = checkpoints.newest();
        long syncOffset = 0;
        if (saved.isPresent()) {
            ResumePoint resume = saved.get().manifest().resume();
            stats = saved.get().manifest().stats();
            session = new TrainingSession(spec, stats, threads);
            session.importState(saved.get().state());
            rounds = new SyncRounds(partitions, spec.train().epochs(), resume.syncRound(),
                    resume.syncMembers() == null ? List.of() : resume.syncMembers(), resume.epoch(), resume.step(),
                    resume.samples(), resume.offsets(), resume.finished(), CheckpointPublisher.lineageOf(saved.get()));
            syncOffset = resume.syncOffset();
            lastCheckpointStep = resume.step();
            if (resume.complete()) {
                state.set(TrainerState.Phase.COMPLETE, "the run is complete (checkpoint "
                        + saved.get().manifest().checkpointId() + ")");
                return false;
            }
        } else {
            stats = awaitStats();
            session = new TrainingSession(spec, stats, threads);
            rounds = new SyncRounds(partitions, spec.train().epochs(), 0, List.of(), 1, 0, 0, Map.of(), List.of(),
                    new Lineage(0, null));
        }
        channel = new SyncChannel(kafka, spec.pipeline(), member, rounds, syncOffset);
        channel.catchUp();
        if (rounds.last() != null) {
            adopt(rounds.last());
        }
        progress.moveTo(rounds.epoch(), rounds.steps(), rounds.samples());
        LOG.infof("trainer %s starts after sync round %d: epoch %d, %d steps, %d batches in the lineage", member,
                rounds.closedRound(), rounds.epoch(), rounds.steps(), rounds.lineage().count());
        return rounds.last() == null || !rounds.last().complete();
    }

    private NormalizationStats awaitStats() throws InterruptedException {
        StatsLookup lookup = new StatsLookup(kafka);
        while (true) {
            Optional<NormalizationStats> latest = lookup.latest(spec.pipeline());
            if (latest.isPresent()) {
                return latest.get();
            }
            state.set(TrainerState.Phase.WAITING_FOR_DATA, "no statistics of '" + spec.pipeline() + "' yet");
            Thread.sleep(500);
        }
    }

    /** Trains on the next message of an active partition; true when none was there (idle). */
    private boolean trainNext() throws IOException {
        if (buffered.isEmpty()) {
            long start = System.nanoTime();
            consumer.poll(Duration.ofMillis(100)).forEach(buffered::add);
            readNanos += System.nanoTime() - start;
        }
        ConsumerRecord<String, byte[]> record = buffered.poll();
        if (record == null) {
            return true;
        }
        if (!active.contains(record.partition())) {
            return false;
        }
        local.offsets.put(record.partition(), record.offset() + 1);
        if (!Messages.belongsTo(record, spec.pipeline())) {
            return false;
        }
        if (Messages.isEndOfData(record)) {
            local.finished.add(record.partition());
            consumer.pause(List.of(new TopicPartition(Topics.BATCHES_TRAIN, record.partition())));
            buffered.removeIf(r -> r.partition() == record.partition());
            return false;
        }
        Batch batch;
        try {
            batch = BatchCodec.decode(record.value());
        } catch (IllegalArgumentException | NullPointerException e) {
            LOG.warnf("skipped the message at %s-%d offset %d: not a readable batch (%s)", Topics.BATCHES_TRAIN,
                    record.partition(), record.offset(), e.getMessage());
            return false;
        }
        long start = System.nanoTime();
        StepResult result = session.step(batch, progress.step() + 1);
        long took = System.nanoTime() - start;
        stepNanos += took;
        if (!result.applied()) {
            progress.recordSkip("batch " + batch.batchId() + ": " + result.skipReason());
            metrics.skipped();
            LOG.warnf("skipped batch %s: %s", batch.batchId(), result.skipReason());
            return false;
        }
        local.batchIds.add(batch.batchId());
        local.samples += batch.rows();
        local.lossSum += result.loss();
        progress.recordStep(batch.rows(), result.loss(), took);
        metrics.step(batch.rows());
        progressReporter.step(progress, batch.rows(), result.loss(), took, () -> 0L);
        return false;
    }

    private boolean shouldContribute(boolean idle) {
        if (local.batchIds.size() >= spec.train().sync().everySteps()) {
            return true;
        }
        if (pending.containsValue(-1L)) {
            return true;
        }
        boolean othersWait = rounds.roundUnderWay() && !rounds.contributedToOpenRound(member);
        return idle && (!local.empty() || othersWait);
    }

    /** Sends this member's work to the open round; the loop then waits for the round to close. */
    private void contribute() throws IOException {
        for (SyncRounds.Result result : channel.catchUp()) {
            apply(result);
        }
        if (rounds.last() != null && rounds.last().complete()) {
            return;
        }
        long round = rounds.openRound();
        double loss = local.batchIds.isEmpty() ? Double.NaN : local.lossSum / local.batchIds.size();
        float[] optimizerState = spec.train().sync().optimizerState() == OptimizerStateSync.AVERAGE
                ? session.optimizerStateVector() : null;
        channel.send(SyncMessage.contribution(spec.pipeline(), round, member, rounds.epoch(), local.samples,
                local.batchIds, local.offsets, new ArrayList<>(local.finished), loss, session.parameterVector(),
                optimizerState));
        pending.replaceAll((partition, after) -> after < 0 ? round : after);
        awaitedRound = round;
        awaitingSince = System.nanoTime();
        closeSent = false;
    }

    /** Waits for the awaited round; after the timeout, closes it without the members still missing. */
    private void awaitRound() throws IOException {
        // Keeps the group membership going (a rebalance may take partitions away or bring new ones).
        consumer.poll(Duration.ZERO).forEach(buffered::add);
        for (SyncRounds.Result result : channel.poll(Duration.ofMillis(50))) {
            apply(result);
        }
        if (awaitedRound < 0 || closeSent) {
            return;
        }
        long waited = (System.nanoTime() - awaitingSince) / 1_000_000;
        if (waited >= spec.train().sync().timeoutSeconds() * 1000L) {
            LOG.warnf("sync round %d of '%s' waited %d ms; closing it without the members still missing",
                    awaitedRound, spec.pipeline(), waited);
            channel.send(SyncMessage.close(spec.pipeline(), awaitedRound, member));
            closeSent = true;
        }
    }

    /** A closed round: take the group's parameters and move the partitions to where the group stands. */
    private void apply(SyncRounds.Result result) throws IOException {
        boolean awaited = result.round() == awaitedRound;
        boolean included = result.members().contains(member);
        if (awaited) {
            long waited = (System.nanoTime() - awaitingSince) / 1_000_000;
            maxRoundWaitMillis = Math.max(maxRoundWaitMillis, waited);
            awaitedRound = -1;
        }
        boolean dropLocalWork = !included && !local.empty();
        if (awaited || dropLocalWork) {
            if (!included) {
                LOG.warnf("sync round %d closed without trainer %s; its last %d steps are dropped and their"
                        + " batches read again", result.round(), member, local.batchIds.size());
            }
            local.clear();
        }
        adopt(result);
        if (result.epochEnded() && !result.complete()) {
            buffered.clear();
            for (int partition : active) {
                TopicPartition topicPartition = new TopicPartition(Topics.BATCHES_TRAIN, partition);
                consumer.seekToBeginning(List.of(topicPartition));
                consumer.resume(List.of(topicPartition));
            }
        } else if (!included && (awaited || dropLocalWork)) {
            buffered.clear();
            active.forEach(this::seekToGroupOffset);
        }
        activatePending(result.round());
        progress.moveTo(rounds.epoch(), rounds.steps(), rounds.samples());
        if (member.equals(result.writer()) && (result.epochEnded() || result.complete()
                || rounds.steps() / spec.train().checkpointEvery() > lastCheckpointStep / spec.train().checkpointEvery())) {
            writeCheckpoint(result);
        }
    }

    /** Takes a round's averaged parameters, and its averaged optimizer state when the round has one. */
    private void adopt(SyncRounds.Result result) {
        session.setParameterVector(result.parameters());
        if (result.optimizerState() != null) {
            session.setOptimizerStateVector(result.optimizerState());
        }
    }

    /**
     * After a round, commits the group's offsets of this member's partitions to the consumer group, for lag
     * monitoring (and KEDA, which scales trainers on that lag). They are not read back: the rounds and the
     * checkpoints are the source of truth.
     */
    private void commitGroupOffsets() {
        if (committedRound == rounds.closedRound()) {
            return;
        }
        committedRound = rounds.closedRound();
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        Map<Integer, Long> offsets = rounds.offsets();
        for (int partition : active) {
            commits.put(new TopicPartition(Topics.BATCHES_TRAIN, partition),
                    new OffsetAndMetadata(offsets.getOrDefault(partition, 0L)));
        }
        if (!commits.isEmpty()) {
            consumer.commitAsync(commits, (done, error) -> {
                if (error != null) {
                    LOG.debugf("committing the group's offsets failed (monitoring only): %s", error.toString());
                }
            });
        }
    }

    /**
     * Tells checkpoint retention which checkpoints were evaluated, at most every 250 ms; whichever member writes
     * the next checkpoint then deletes those retention no longer needs.
     */
    private void followEvaluations() {
        long now = System.nanoTime();
        if (now - lastEvaluationRead < 250_000_000L) {
            return;
        }
        lastEvaluationRead = now;
        evaluations.poll(Duration.ZERO).forEach(checkpoints::observe);
    }

    private void activatePending(long closedRound) {
        List<Integer> ready = new ArrayList<>();
        pending.forEach((partition, after) -> {
            if (after >= 0 && closedRound >= after) {
                ready.add(partition);
            }
        });
        for (int partition : ready) {
            pending.remove(partition);
            active.add(partition);
            seekToGroupOffset(partition);
        }
        if (!ready.isEmpty()) {
            LOG.infof("trainer %s reads partitions %s from sync round %d's offsets", member, ready, closedRound);
        }
    }

    /** Positions a partition where the group stands: after its last included message, paused once finished. */
    private void seekToGroupOffset(int partition) {
        TopicPartition topicPartition = new TopicPartition(Topics.BATCHES_TRAIN, partition);
        buffered.removeIf(r -> r.partition() == partition);
        Long offset = rounds.offsets().get(partition);
        if (offset == null) {
            consumer.seekToBeginning(List.of(topicPartition));
        } else {
            consumer.seek(topicPartition, offset);
        }
        if (rounds.finished().contains(partition)) {
            consumer.pause(List.of(topicPartition));
        } else {
            consumer.resume(List.of(topicPartition));
        }
    }

    private void writeCheckpoint(SyncRounds.Result result) throws IOException {
        ResumePoint resume = new ResumePoint(rounds.epoch(), rounds.steps(), rounds.samples(), rounds.offsets(),
                rounds.finished(), result.complete(), rounds.lineage().count(), rounds.lineage().sha256(),
                result.round(), result.members(), result.closedAtOffset());
        String reason = result.complete() ? "completed " + result.epoch() + " epochs with a group of "
                + result.members().size() + " trainer(s)" : null;
        checkpoints.publish(session, stats, progress, result.epochEnded() ? result.epoch() : rounds.epoch(),
                result.complete(), resume, rounds.lineage(), reason);
        lastCheckpointStep = rounds.steps();
    }

    private void finish(PollingThread polling) throws IOException {
        state.set(TrainerState.Phase.COMPLETE, "the run is complete at epoch " + rounds.last().epoch() + ", step "
                + rounds.steps() + " (longest wait for a sync round: " + maxRoundWaitMillis + " ms, "
                + channel.bytesSent() + " bytes sent)");
        LOG.infof("group training of '%s' complete: %d steps, %d batches in the lineage; trainer %s waited at most"
                + " %d ms for a sync round and sent %d bytes; its time: %d ms in steps, %d ms reading batches, %d ms"
                + " contributing, %d ms waiting for rounds", spec.pipeline(), rounds.steps(), rounds.lineage().count(),
                member, maxRoundWaitMillis, channel.bytesSent(), stepNanos / 1_000_000, readNanos / 1_000_000,
                contributeNanos / 1_000_000, awaitNanos / 1_000_000);
        channel.send(SyncMessage.leave(spec.pipeline(), member));
        left = true;
        // The writer of the last round keeps applying retention as the last evaluations arrive.
        boolean writer = member.equals(rounds.last().writer());
        while (polling.running()) {
            consumer.poll(Duration.ofMillis(500));
            List<EvaluationEvent> arrived = evaluations.poll(Duration.ofMillis(500));
            arrived.forEach(checkpoints::observe);
            if (writer && !arrived.isEmpty()) {
                checkpoints.prune();
            }
        }
    }

    /** Runs inside the loop thread's polls. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // What was trained on them goes to the group before anyone else may read them.
            if (awaitedRound < 0 && !local.empty()) {
                try {
                    contribute();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Someone else may already read them: this member's unsent work on them cannot count.
            if (awaitedRound < 0 && !local.empty()) {
                local.clear();
                if (rounds.last() != null) {
                    adopt(rounds.last());
                }
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                consumer.pause(List.of(partition));
                pending.put(partition.partition(), -1L);
            }
            LOG.infof("trainer %s assigned partitions %s after sync round %d; it reads them after the next round it"
                    + " contributes to", member, partitions.stream().map(TopicPartition::partition).toList(),
                    rounds.closedRound());
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                active.remove(partition.partition());
                pending.remove(partition.partition());
                buffered.removeIf(r -> r.partition() == partition.partition());
            }
        }
    }
}
