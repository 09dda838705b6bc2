package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
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
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint event that comes twice (as after a restart before its offset was committed) is evaluated once: one
 * evaluation event per checkpoint id, keyed by it, and the champion is never scored against itself.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaTestResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "spec", value = "src/test/resources/once-pipeline.yaml"))
class CheckpointRedeliveryTest {

    private static final PipelineSpec SPEC = SpecLoader.load(Path.of("src/test/resources/once-pipeline.yaml"));
    private static final String PIPELINE = SPEC.pipeline();
    private static final NormalizationStats STATS = new NormalizationStats(SchemaVersion.CURRENT, PIPELINE, 1, 100,
            List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                    new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
            List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                    List.of(50L, 50L)));

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aCheckpointDeliveredTwiceGetsOneEvaluation() throws Exception {
        CheckpointWriter writer = new CheckpointWriter(Files.createTempDirectory("redelivery-test"));
        CheckpointWriter.Written trained;
        CheckpointWriter.Written untrained;
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            untrained = writer.write(session, manifest("e001-s00000000", 0));
            long step = 0;
            for (int epoch = 0; epoch < 5; epoch++) {
                for (Batch batch : SumSignBatches.batches(PIPELINE, "train", 30, 32, 11)) {
                    session.step(batch, ++step);
                }
            }
            trained = writer.write(session, manifest("e005-s00000150", step));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings().producer("redelivery-test"))) {
            for (Batch batch : SumSignBatches.batches(PIPELINE, "validation", 10, 32, 12)) {
                producer.send(Messages.data(Topics.BATCHES_VALIDATION, PIPELINE, batch.batchId(),
                        BatchCodec.encode(batch)));
            }
            producer.send(Messages.endOfData(Topics.BATCHES_VALIDATION, 0,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "validation-batches", 10, 320)));
            producer.send(event("e005-s00000150", trained, 150));
            producer.send(event("e005-s00000150", trained, 150));
            producer.send(event("e001-s00000000", untrained, 0));
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> evaluations().stream()
                .anyMatch(e -> e.checkpointId().equals("e001-s00000000")));
        // The second delivery is skipped before the next checkpoint is evaluated: nothing more comes.
        List<EvaluationEvent> evaluations = evaluations();
        assertThat(evaluations).extracting(EvaluationEvent::checkpointId)
                .containsExactly("e005-s00000150", "e001-s00000000");
        assertThat(evaluations).extracting(EvaluationEvent::verdict)
                .containsExactly(Verdict.PROMOTED, Verdict.REJECTED);
        assertThat(evaluations.get(1).gate().championValue()).isEqualTo(evaluations.get(0).value());
        assertThat(evaluationKeys()).containsExactly("e005-s00000150", "e001-s00000000");
        assertThat(new TopicReader(settings()).events(Topics.MODELS, PIPELINE, ModelEvent.class))
                .extracting(ModelEvent::checkpointId).containsExactly("e005-s00000150");

        // A segment that ended at a step already checkpointed: the final checkpoint has the same id; the evaluation
        // of that model is said again, marked final, once (a second delivery adds nothing).
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings().producer("redelivery-test"))) {
            producer.send(event("e005-s00000150", trained, 150, true));
            producer.send(event("e005-s00000150", trained, 150, true));
            producer.send(event("e001-s00000000", untrained, 0));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> evaluations().size() >= 3);
        List<EvaluationEvent> withFinal = evaluations();
        assertThat(withFinal).hasSize(3);
        assertThat(withFinal.get(2).checkpointId()).isEqualTo("e005-s00000150");
        assertThat(withFinal.get(2).finalCheckpoint()).isTrue();
        assertThat(withFinal.get(2).verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(withFinal.get(2).value()).isEqualTo(withFinal.get(0).value());
        assertThat(withFinal.get(2).reason()).startsWith("final checkpoint, the model evaluated at this step: ");

        // A restarted evaluator learns from the topic which checkpoints are evaluated, and skips them.
        EvaluationHistory restarted = new EvaluationHistory(SPEC, PipelineRun.none(PIPELINE), settings());
        assertThat(restarted.evaluated("e005-s00000150")).isTrue();
        assertThat(restarted.evaluated("e001-s00000000")).isTrue();
        assertThat(restarted.evaluated("e006-s00000151")).isFalse();
    }

    private KafkaSettings settings() {
        return new KafkaSettings(bootstrap);
    }

    private static CheckpointManifest manifest(String id, long step) {
        return new CheckpointManifest(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, SPEC.hash(), null,
                STATS, System.currentTimeMillis());
    }

    private static ProducerRecord<String, byte[]> event(String id, CheckpointWriter.Written written, long step) {
        return event(id, written, step, false);
    }

    private static ProducerRecord<String, byte[]> event(String id, CheckpointWriter.Written written, long step,
                                                        boolean finalCheckpoint) {
        CheckpointEvent event = new CheckpointEvent(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, 1,
                SPEC.hash(), written.dir().toString(), written.sha256(), 0.1, 1000, finalCheckpoint,
                System.currentTimeMillis());
        return Messages.data(Topics.CHECKPOINTS, PIPELINE, PIPELINE, EventCodec.toBytes(event));
    }

    private List<EvaluationEvent> evaluations() {
        return new TopicReader(settings()).events(Topics.EVALUATIONS, PIPELINE, EvaluationEvent.class);
    }

    private List<String> evaluationKeys() {
        List<String> keys = new ArrayList<>();
        new TopicReader(settings()).readAll(Topics.EVALUATIONS, record -> {
            if (PIPELINE.equals(Messages.pipelineOf(record))) {
                keys.add(record.key());
            }
        });
        return keys;
    }
}
