package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * An evaluator of run {@code b} beside what run {@code a} of the same pipeline left on the broker: run a's champion
 * (a trained model) and its checkpoint events are not run b's. Run b's first checkpoint, untrained, is judged
 * without a champion and promoted; run a's checkpoint is not evaluated; run b's evaluation and champion name run b.
 */
@QuarkusTest
@TestProfile(EvaluatorRunsTest.RunB.class)
@QuarkusTestResource(KafkaTestResource.class)
class EvaluatorRunsTest {

    /** An evaluator of run b of the runs pipeline. */
    public static class RunB implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("streamtrain.spec", "src/test/resources/runs-pipeline.yaml", "streamtrain.run-id", "b");
        }
    }

    private static final PipelineSpec SPEC = SpecLoader.load(java.nio.file.Path.of(
            "src/test/resources/runs-pipeline.yaml"));
    private static final String PIPELINE = SPEC.pipeline();
    private static final PipelineRun RUN_A = new PipelineRun(PIPELINE, "a");
    private static final PipelineRun RUN_B = new PipelineRun(PIPELINE, "b");
    private static final NormalizationStats STATS = new NormalizationStats(SchemaVersion.CURRENT, PIPELINE, 1, 100,
            List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                    new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
            List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                    List.of(50L, 50L)));

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void runBIsNotJudgedAgainstRunAsChampionNorDoesItEvaluateRunAsCheckpoints() throws Exception {
        CheckpointWriter writer = new CheckpointWriter(Files.createTempDirectory("runs-test"));
        CheckpointWriter.Written trained;
        CheckpointWriter.Written untrained;
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            untrained = writer.write(session, manifest("b-e001-s00000000", 0));
            long step = 0;
            for (int epoch = 0; epoch < 5; epoch++) {
                for (Batch batch : SumSignBatches.batches(PIPELINE, "train", 30, 32, 11)) {
                    session.step(batch, ++step);
                }
            }
            trained = writer.write(session, manifest("a-e005-s00000150", step));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings().producer("runs-test"))) {
            // Run a's champion and checkpoint come first: a mixing evaluator would crown or restore it.
            producer.send(RUN_A.data(Topics.MODELS, PIPELINE, EventCodec.toBytes(new ModelEvent(SchemaVersion.CURRENT,
                    PIPELINE, "a-e005-s00000150", trained.dir().toString(), trained.sha256(), 5, 150, SPEC.hash(),
                    Map.of("accuracy", 0.95), STATS, System.currentTimeMillis(), ModelEvent.BY_GATE, "run a",
                    "a")))).get();
            producer.send(event(RUN_A, "a-e005-s00000150", trained, 150));
            for (Batch batch : SumSignBatches.batches(PIPELINE, "validation", 10, 32, 12)) {
                producer.send(Messages.data(Topics.BATCHES_VALIDATION, PIPELINE, batch.batchId(),
                        BatchCodec.encode(batch)));
            }
            producer.send(Messages.endOfData(Topics.BATCHES_VALIDATION, 0,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "validation-batches", 10, 320)));
            producer.send(event(RUN_B, "b-e001-s00000000", untrained, 0)).get();
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> evaluations().stream()
                .anyMatch(e -> e.checkpointId().equals("b-e001-s00000000")));
        List<EvaluationEvent> evaluations = evaluations();
        assertThat(evaluations).extracting(EvaluationEvent::checkpointId).containsExactly("b-e001-s00000000");
        assertThat(evaluations.get(0).verdict()).as(evaluations.get(0).reason()).isEqualTo(Verdict.PROMOTED);
        assertThat(evaluations.get(0).championValue()).isNull();
        assertThat(evaluations.get(0).runId()).isEqualTo("b");
        List<ModelEvent> champions = new TopicReader(settings()).events(Topics.MODELS, RUN_B, ModelEvent.class);
        assertThat(champions).extracting(ModelEvent::checkpointId).containsExactly("b-e001-s00000000");
        assertThat(champions.get(0).runId()).isEqualTo("b");

        // A restarted evaluator of run b restores run b's champion, not run a's (published earlier, same key).
        EvaluationHistory restarted = new EvaluationHistory(SPEC, RUN_B, settings());
        assertThat(restarted.champion()).map(ModelEvent::checkpointId).contains("b-e001-s00000000");
        assertThat(new EvaluationHistory(SPEC, RUN_A, settings()).champion()).map(ModelEvent::checkpointId)
                .contains("a-e005-s00000150");
    }

    private KafkaSettings settings() {
        return new KafkaSettings(bootstrap);
    }

    private static CheckpointManifest manifest(String id, long step) {
        return new CheckpointManifest(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, SPEC.hash(), null,
                STATS, System.currentTimeMillis());
    }

    private static ProducerRecord<String, byte[]> event(PipelineRun run, String id, CheckpointWriter.Written written,
                                                        long step) {
        CheckpointEvent event = new CheckpointEvent(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, 1,
                SPEC.hash(), written.dir().toString(), written.sha256(), 0.1, 1000, false,
                System.currentTimeMillis(), 0, null, null, run.runId());
        return run.data(Topics.CHECKPOINTS, PIPELINE, EventCodec.toBytes(event));
    }

    /** Every evaluation of the pipeline on the topic, of any run. */
    private List<EvaluationEvent> evaluations() {
        return new TopicReader(settings()).events(Topics.EVALUATIONS, PIPELINE, EvaluationEvent.class);
    }
}
