package io.streamtrain.trainer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
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
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * trainer-service on a real broker: readiness before and after training, Prometheus metrics, a poisoned batch
 * skipped each epoch, and checkpoint retention driven by evaluation events.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class TrainerServiceTest {

    private static final String PIPELINE = "trainer-test";
    private static final String PHASE = "checks.find { it.name == 'training-loop' }.data.phase";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "streamtrain.checkpoint-dir")
    String checkpointDir;

    @Test
    void trainsSkipsThePoisonedBatchReportsMetricsAndKeepsOnlyTheCheckpointsStillNeeded() throws Exception {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> given().when().get("/q/health/ready")
                .then().statusCode(200).body(PHASE, equalTo("waiting_for_data")));
        assertThat(metric("streamtrain_trainer_steps_total")).isZero();

        KafkaSettings kafka = new KafkaSettings(bootstrap);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("trainer-test"))) {
            producer.send(Messages.data(Topics.STATS, PIPELINE, PIPELINE, EventCodec.toBytes(stats())));
            List<Batch> batches = SumSignBatches.batches(PIPELINE, "train", 20, 16, 4);
            send(producer, batches.subList(0, 10));
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpointIds().contains("e001-s00000010"));
            // The evaluator's verdicts: the first checkpoint rejected, the second promoted (the champion).
            for (String id : List.of("e001-s00000005", "e001-s00000010")) {
                EvaluationEvent evaluation = new EvaluationEvent(SchemaVersion.CURRENT, PIPELINE, id, 1, 5, false, 10,
                        Map.of(), List.of(), null, id.endsWith("05") ? Verdict.REJECTED : Verdict.PROMOTED,
                        "accuracy", 0.5, null, "test", System.currentTimeMillis());
                producer.send(Messages.data(Topics.EVALUATIONS, PIPELINE, PIPELINE, EventCodec.toBytes(evaluation)));
            }
            List<Batch> rest = new ArrayList<>(batches.subList(10, 20));
            rest.add(5, poisoned());
            send(producer, rest);
            producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, 0,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "train-batches", 21, 21 * 16)));
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> checkpoints().stream().anyMatch(
                CheckpointEvent::finalCheckpoint));

        // 20 good batches per epoch, 2 epochs; the NaN batch is skipped both times.
        assertThat(metric("streamtrain_trainer_steps_total")).isEqualTo(40);
        assertThat(metric("streamtrain_trainer_samples_total")).isEqualTo(40 * 16);
        assertThat(metric("streamtrain_trainer_skipped_steps_total")).isEqualTo(2);
        assertThat(metric("streamtrain_trainer_checkpoint_seconds_count")).isGreaterThanOrEqualTo(8);
        CheckpointEvent last = checkpoints().get(checkpoints().size() - 1);
        assertThat(last.checkpointId()).isEqualTo("e002-s00000040");
        assertThat(last.lineageCount()).isEqualTo(40);
        given().when().get("/q/health/ready").then().statusCode(200)
                .body(PHASE, equalTo("waiting_for_data"));

        // Kept: the two newest, the champion and every checkpoint not evaluated; deleted: the rejected one.
        await().atMost(Duration.ofSeconds(30)).until(() -> !checkpointIds().contains("e001-s00000005"));
        assertThat(checkpointIds()).containsExactly("e001-s00000010", "e001-s00000015", "e001-s00000020",
                "e002-s00000025", "e002-s00000030", "e002-s00000035", "e002-s00000040");
        // The final checkpoint names every good batch once per epoch, in training order, though the checkpoints
        // it shares its earlier lines with were written long before and one of them is deleted.
        List<String> trained = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (Batch batch : SumSignBatches.batches(PIPELINE, "train", 20, 16, 4)) {
                trained.add(epoch + " " + batch.batchId());
            }
        }
        assertThat(LineageFiles.readLines(Path.of(last.path()))).containsExactlyElementsOf(trained);
    }

    private static void send(KafkaProducer<String, byte[]> producer, List<Batch> batches) {
        for (Batch batch : batches) {
            producer.send(Messages.data(Topics.BATCHES_TRAIN, PIPELINE, batch.batchId(), BatchCodec.encode(batch)));
        }
        producer.flush();
    }

    private List<String> checkpointIds() throws Exception {
        Path dir = Path.of(checkpointDir, PIPELINE);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
        }
    }

    private List<CheckpointEvent> checkpoints() {
        return new TopicReader(new KafkaSettings(bootstrap)).events(Topics.CHECKPOINTS, PIPELINE,
                CheckpointEvent.class);
    }

    /** The value of a Prometheus sample of this pipeline. */
    private static double metric(String name) {
        String body = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : body.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("pipeline=\"" + PIPELINE + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no sample " + name + " for " + PIPELINE + " in /q/metrics");
    }

    private static NormalizationStats stats() {
        return new NormalizationStats(SchemaVersion.CURRENT, PIPELINE, 1, 100,
                List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                        new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
                List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                        List.of(50L, 50L)));
    }

    private static Batch poisoned() {
        float[] x = new float[32];
        x[3] = Float.NaN;
        return new Batch(PIPELINE, "train-poisoned", 1, 16, 2, x, new int[16], null);
    }
}
