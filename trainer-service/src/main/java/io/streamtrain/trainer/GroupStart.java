package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.StatsLookup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a member of a group of trainers starts, and how its network grows. In: the newest checkpoint of the pipeline
 * (else the newest statistics, awaited), and the sync topic after it. Out: the member's session and the group's
 * {@link SyncRounds} as of that checkpoint, then a {@link SyncChannel} that has replayed the rounds closed since;
 * later, the session grown to a newer statistics version when the group learned a class.
 */
final class GroupStart {

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final TrainerState state;
    private final int threads;
    private final ParameterGrowth growth;
    private long syncOffset;

    GroupStart(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints, TrainerState state,
               int threads) {
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.state = state;
        this.threads = threads;
        StatsLookup lookup = new StatsLookup(kafka, checkpoints.run().runId());
        this.growth = new ParameterGrowth(spec, version -> {
            try {
                return lookup.await(spec.pipeline(), version, Duration.ofSeconds(60));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while looking up statistics version " + version, e);
            }
        });
    }

    /** The pipeline's run the group trains. */
    PipelineRun run() {
        return checkpoints.run();
    }

    /** How the group's vectors grow when classes are learned. */
    ParameterGrowth growth() {
        return growth;
    }

    /**
     * Takes a round's averaged parameters, and its averaged optimizer state when the round has one; grows the
     * network first when the round learned classes this member has not met yet, or grows the round's vectors when
     * this member already has (it was left out of that round).
     */
    void adopt(TrainingRun run, SyncRounds.Result result) {
        float[] parameters = result.parameters();
        float[] optimizerState = result.optimizerState();
        int version = run.stats.version();
        if (result.statsVersion() > version) {
            growTo(run, result.statsVersion());
        } else if (result.statsVersion() > 0 && result.statsVersion() < version) {
            parameters = growth.grow(parameters, result.statsVersion(), version, false);
            optimizerState = optimizerState == null ? null
                    : growth.grow(optimizerState, result.statsVersion(), version, true);
        }
        run.session.setParameterVector(parameters);
        if (optimizerState != null) {
            run.session.setOptimizerStateVector(optimizerState);
        }
    }

    /** Grows {@code run}'s network to statistics version {@code version} (classes learned after the warm-up). */
    void growTo(TrainingRun run, int version) {
        StepRunner.grow(run, growth.stats(version), spec, threads);
    }

    /** Restores the newest checkpoint into {@code run}; null when that checkpoint completed the run (a stop). */
    SyncRounds restore(TrainingRun run, int partitions) throws InterruptedException, java.io.IOException {
        Optional<CheckpointWriter.Restorable> saved = checkpoints.newest();
        if (saved.isEmpty()) {
            NormalizationStats stats = awaitStats();
            run.begin(stats, new TrainingSession(spec, stats, threads));
            return new SyncRounds(partitions, spec.train().epochs(), 0, List.of(), 1, 0, 0, Map.of(), List.of(),
                    new Lineage(0, null), growth);
        }
        ResumePoint resume = saved.get().manifest().resume();
        if (resume.complete()) {
            return null;
        }
        NormalizationStats stats = saved.get().manifest().stats();
        run.begin(stats, new TrainingSession(spec, stats, threads)).importState(saved.get().state());
        syncOffset = resume.syncOffset();
        return new SyncRounds(partitions, spec.train().epochs(), resume.syncRound(),
                resume.syncMembers() == null ? List.of() : resume.syncMembers(), resume.epoch(), resume.step(),
                resume.samples(), resume.offsets(), resume.finished(), CheckpointPublisher.lineageOf(saved.get()),
                growth).inSegment(resume.segment(), resume.segmentStart());
    }

    /** Opens the sync topic after the restored checkpoint and replays the rounds closed since into {@code rounds}. */
    SyncChannel connect(SyncRounds rounds, String member) {
        SyncChannel channel = new SyncChannel(kafka, checkpoints.run(), member, rounds, syncOffset);
        channel.catchUp();
        return channel;
    }

    private NormalizationStats awaitStats() throws InterruptedException {
        StatsLookup lookup = new StatsLookup(kafka, checkpoints.run().runId());
        while (true) {
            Optional<NormalizationStats> latest = lookup.latest(spec.pipeline());
            if (latest.isPresent()) {
                return latest.get();
            }
            state.set(TrainerState.Phase.WAITING_FOR_DATA, "no statistics of '" + spec.pipeline() + "' yet");
            Thread.sleep(500);
        }
    }
}
