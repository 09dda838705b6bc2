package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.LineageFiles;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two runs of one pipeline on one broker and one checkpoint folder: the trainer of the second run trains only on its
 * own batches (the first run's batches and end-of-data markers are passed over), restores and numbers only its own
 * checkpoints, and its early stopping does not count the first run's evaluations. (One trainer instance, restarted
 * for the second run, as {@code streamtrain demo} twice on one broker.)
 */
class RunIsolationTest {

    private static final String PIPELINE = "runs";
    private static EmbeddedKafka broker;
    private static KafkaSettings kafka;
    private static KafkaProducer<String, byte[]> producer;

    @TempDir
    Path checkpointDir;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.startPrivate();
        kafka = new KafkaSettings(broker.bootstrapServers());
        TopicAdmin.ensureTopics(kafka, 2);
        producer = new KafkaProducer<>(kafka.producer("run-isolation"));
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        broker.close();
    }

    @Test
    void aTrainerOfRunBIgnoresRunAsBatchesCheckpointsAndEvaluations() throws Exception {
        PipelineRun runA = new PipelineRun(PIPELINE, "a");
        PipelineRun runB = new PipelineRun(PIPELINE, "b");
        publishRun(runA, "a-train", 6);
        CheckpointEvent finalA;
        try (TrainerHarness trainer = new TrainerHarness(spec(), kafka, checkpointDir, "trainer", "a")) {
            finalA = awaitFinal(runA);
        }
        assertThat(finalA.checkpointId()).startsWith("a-e");
        assertThat(finalA.runId()).isEqualTo("a");
        // Run A's evaluations never improve: counted by run B, they would stop it at its first checkpoint.
        for (double value : new double[] {0.9, 0.5, 0.5, 0.5}) {
            producer.send(runA.data(Topics.EVALUATIONS, finalA.checkpointId(), EventCodec.toBytes(
                    new EvaluationEvent(SchemaVersion.CURRENT, PIPELINE, finalA.checkpointId(), 2, 5, true, 10,
                            Map.of(), List.of(), null, Verdict.REJECTED, "accuracy", value, null, "run a",
                            System.currentTimeMillis()))));
        }
        publishRun(runB, "b-train", 4);

        try (TrainerHarness trainer = new TrainerHarness(spec(), kafka, checkpointDir, "trainer", "b")) {
            CheckpointEvent finalB = awaitFinal(runB);
            assertThat(finalB.checkpointId()).matches("b-e002-s\\d+");
            assertThat(finalB.stopReason()).isEqualTo("completed 2 epochs");
            assertThat(finalB.lineageCount()).as("two epochs of run B's 4 batches, nothing of run A's")
                    .isEqualTo(8);
            List<String> lineage = LineageFiles.readLines(Path.of(finalB.path()));
            assertThat(lineage).hasSize(8).allMatch(line -> line.contains("b-train"));
            assertThat(checkpoints(runB)).allMatch(c -> c.checkpointId().startsWith("b-e") && "b".equals(c.runId()));
        }
        assertThat(Path.of(finalA.path())).as("run A's checkpoint is kept, in its run's folder")
                .isDirectory().hasParent(checkpointDir.resolve(PIPELINE).resolve("a"));
        try (var dirs = Files.list(checkpointDir.resolve(PIPELINE))) {
            assertThat(dirs.map(d -> d.getFileName().toString())).containsExactlyInAnyOrder("a", "b");
        }
    }

    private static PipelineSpec spec() {
        return SpecLoader.parse("""
                pipeline: %s
                data:
                  label: y
                  task: classification
                  classes: [a, b]
                batch: {size: 16}
                model: {hidden: [8]}
                train:
                  learningRate: 0.01
                  checkpointEvery: 3
                  epochs: 2
                  patience: 2
                """.formatted(PIPELINE));
    }

    /** A run's statistics, batches on partition 0 and end-of-data markers, all with the run's header. */
    private static void publishRun(PipelineRun run, String prefix, int count) {
        NormalizationStats stats = new NormalizationStats(SchemaVersion.CURRENT, PIPELINE, 1, 100,
                List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                        new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
                List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                        List.of(50L, 50L)));
        producer.send(run.data(Topics.STATS, PIPELINE, EventCodec.toBytes(stats)));
        for (Batch batch : SumSignBatches.batches(PIPELINE, prefix, count, 16, 4)) {
            ProducerRecord<String, byte[]> data = run.data(Topics.BATCHES_TRAIN, batch.batchId(),
                    BatchCodec.encode(batch));
            producer.send(new ProducerRecord<>(data.topic(), 0, data.key(), data.value(), data.headers()));
        }
        for (int partition = 0; partition < 2; partition++) {
            producer.send(run.endOfData(Topics.BATCHES_TRAIN, partition,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "train-batches", count, count * 16L)));
        }
        producer.flush();
    }

    private static List<CheckpointEvent> checkpoints(PipelineRun run) {
        List<CheckpointEvent> events = new ArrayList<>();
        new TopicReader(kafka).readAll(Topics.CHECKPOINTS, record -> {
            if (run.runId().equals(Messages.runOf(record))) {
                events.add(EventCodec.fromBytes(record.value(), CheckpointEvent.class));
            }
        });
        return events;
    }

    private static CheckpointEvent awaitFinal(PipelineRun run) {
        await().atMost(Duration.ofSeconds(90)).until(() -> checkpoints(run).stream()
                .anyMatch(CheckpointEvent::finalCheckpoint));
        return checkpoints(run).stream().filter(CheckpointEvent::finalCheckpoint).findFirst().orElseThrow();
    }
}
