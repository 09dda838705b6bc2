package io.streamtrain.trainer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * One trainer process as the service wires it, without Quarkus, so a test can run several against one broker,
 * stop one and start another on the same checkpoint folder. In: a spec, a broker, a checkpoint folder. Out: a
 * running {@link TrainingLoop} with its state and metrics; with a run id, a trainer of that run.
 */
final class TrainerHarness implements AutoCloseable {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CheckpointPublisher checkpoints;
    private final ProgressReporter progress;
    private final TrainingLoop loop;
    final TrainerState state = new TrainerState();

    TrainerHarness(PipelineSpec spec, KafkaSettings kafka, Path checkpointDir, String name) throws Exception {
        this(spec, kafka, checkpointDir, name, null);
    }

    TrainerHarness(PipelineSpec spec, KafkaSettings kafka, Path checkpointDir, String name, String runId)
            throws Exception {
        TrainerMetrics metrics = new TrainerMetrics(registry, spec);
        PipelineRun run = new PipelineRun(spec.pipeline(), runId);
        checkpoints = new CheckpointPublisher(spec, run, kafka, metrics, checkpointDir.toString(), Optional.empty());
        progress = new ProgressReporter(spec, run, kafka, metrics, Duration.ofMillis(100), name);
        loop = new TrainingLoop(spec, kafka, checkpoints, progress, metrics, state, 1, 8, 0, name,
                new io.streamtrain.support.kafka.ProgressWatch("train batches"));
        loop.start();
    }

    /** The count of a counter such as {@code streamtrain.trainer.skipped.steps}. */
    double counter(String name) {
        return registry.get(name).counter().count();
    }

    TrainerState.Phase phase() {
        return state.phase();
    }

    @Override
    public void close() throws Exception {
        loop.stop();
        progress.close();
        checkpoints.close();
        registry.close();
    }
}
