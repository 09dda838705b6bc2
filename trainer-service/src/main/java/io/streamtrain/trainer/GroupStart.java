package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.StatsLookup;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a member of a group of trainers starts. In: the newest checkpoint of the pipeline (else the newest
 * statistics, awaited), and the sync topic after it. Out: the member's session and the group's {@link SyncRounds}
 * as of that checkpoint, then a {@link SyncChannel} that has replayed the rounds closed since.
 */
final class GroupStart {

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final TrainerState state;
    private final int threads;
    private long syncOffset;

    GroupStart(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints, TrainerState state,
               int threads) {
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.state = state;
        this.threads = threads;
    }

    /** Restores the newest checkpoint into {@code run}; null when that checkpoint completed the run. */
    SyncRounds restore(TrainingRun run, int partitions) throws InterruptedException, java.io.IOException {
        Optional<CheckpointWriter.Restorable> saved = checkpoints.newest();
        if (saved.isEmpty()) {
            NormalizationStats stats = awaitStats();
            run.begin(stats, new TrainingSession(spec, stats, threads));
            return new SyncRounds(partitions, spec.train().epochs(), 0, List.of(), 1, 0, 0, Map.of(), List.of(),
                    new Lineage(0, null));
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
                resume.samples(), resume.offsets(), resume.finished(), CheckpointPublisher.lineageOf(saved.get()));
    }

    /** Opens the sync topic after the restored checkpoint and replays the rounds closed since into {@code rounds}. */
    SyncChannel connect(SyncRounds rounds, String member) {
        SyncChannel channel = new SyncChannel(kafka, spec.pipeline(), member, rounds, syncOffset);
        channel.catchUp();
        return channel;
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
}
