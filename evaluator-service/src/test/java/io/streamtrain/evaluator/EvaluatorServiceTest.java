package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResource;
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
import io.streamtrain.evaluator.dashboard.DashboardFeed;
import io.streamtrain.evaluator.dashboard.DashboardState;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ModelArtifact;
import io.streamtrain.model.Predictor;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.ConsumerLag;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.KafkaTestResource;
import io.streamtrain.testing.SumSignBatches;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * evaluator-service on a real broker with real checkpoints: a trained model passes the gate, a worse one is
 * rejected with the figures, a tampered one gets ERROR, and only the first is registered as champion.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class EvaluatorServiceTest {

    @jakarta.inject.Inject
    ValidationSet validation;


    private static final String PIPELINE = "evaluator-test";
    private static final PipelineSpec SPEC = SpecLoader.load(Path.of("src/test/resources/pipeline.yaml"));
    private static final NormalizationStats STATS = new NormalizationStats(SchemaVersion.CURRENT, PIPELINE, 1, 100,
            List.of(new NormalizationStats.NumericFeature("x1", 100, 0, 1),
                    new NormalizationStats.NumericFeature("x2", 100, 0, 1)),
            List.of(), new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0,
                    List.of(50L, 50L)));

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void promotesATrainedModelRejectsAWorseOneAndRefusesATamperedOne() throws Exception {
        Path root = Files.createTempDirectory("evaluator-test");
        CheckpointWriter writer = new CheckpointWriter(root);
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
        // A copy of the trained checkpoint whose parameter file changed after its digest was taken.
        Path tamperedDir = Files.createDirectories(trained.dir().resolveSibling("e006-s00000151"));
        try (var files = Files.list(trained.dir())) {
            for (Path file : files.toList()) {
                Files.copy(file, tamperedDir.resolve(file.getFileName()));
            }
        }
        Files.write(tamperedDir.resolve("model-0000.params"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        CheckpointWriter.Written tampered = new CheckpointWriter.Written(tamperedDir, trained.sha256());

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new KafkaSettings(bootstrap)
                .producer("evaluator-test"))) {
            for (Batch batch : SumSignBatches.batches(PIPELINE, "validation", 10, 32, 12)) {
                producer.send(Messages.data(Topics.BATCHES_VALIDATION, PIPELINE, batch.batchId(),
                        BatchCodec.encode(batch)));
            }
            producer.send(Messages.endOfData(Topics.BATCHES_VALIDATION, 0,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "validation-batches", 10, 320)));
            producer.flush();
            // Every validation row is in before the checkpoints come, so each is scored on all 320.
            await().atMost(Duration.ofSeconds(60)).until(() -> validation.rows() == 320);
            producer.send(event("e005-s00000150", trained, 150));
            producer.send(event("e001-s00000000", untrained, 0));
            producer.send(event("e006-s00000151", tampered, 151));
        }

        await().atMost(Duration.ofSeconds(90)).until(() -> evaluations().size() == 3);
        List<EvaluationEvent> evaluations = evaluations();
        EvaluationEvent promoted = evaluations.get(0);
        assertThat(promoted.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(promoted.validationRows()).isEqualTo(320);
        assertThat(promoted.value()).isGreaterThan(0.9);
        assertThat(promoted.reason()).startsWith("first model: accuracy = ").endsWith("and passes its 1 threshold");
        assertThat(promoted.perClass()).hasSize(2);
        assertThat(promoted.gate().thresholds().get(0).passed()).isTrue();

        EvaluationEvent worse = evaluations.get(1);
        assertThat(worse.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(worse.reason()).matches("(fails its thresholds|does not improve on the champion enough): .*");
        assertThat(worse.gate().championValue()).isEqualTo(promoted.value());
        assertThat(worse.gate().delta()).isNegative();

        EvaluationEvent refused = evaluations.get(2);
        assertThat(refused.verdict()).isEqualTo(Verdict.ERROR);
        assertThat(refused.reason()).contains("SHA-256");

        assertThat(models()).extracting(ModelEvent::checkpointId).containsExactly("e005-s00000150");

        // The same history and champion over HTTP.
        given().when().get("/pipelines/evaluator-test/evaluations").then().statusCode(200)
                .body("size()", equalTo(3)).body("verdict", contains("PROMOTED", "REJECTED", "ERROR"))
                .body("[0].gate.thresholds[0].metric", equalTo("accuracy"));
        given().when().get("/pipelines/evaluator-test/evaluations?limit=1").then().statusCode(200)
                .body("checkpointId", contains("e006-s00000151"));
        given().when().get("/pipelines/evaluator-test/champion").then().statusCode(200)
                .body("checkpointId", equalTo("e005-s00000150")).body("sha256", equalTo(trained.sha256()));
        given().when().get("/pipelines/other/champion").then().statusCode(404)
                .body("error", containsString("this deployment runs 'evaluator-test'"));

        // Predictions from the champion equal those of its exported artifact, bit for bit.
        String records = "[{\"x1\": 0.5, \"x2\": 0.2}, {\"x1\": -1.5, \"x2\": 0.4, \"y\": \"a\"}]";
        assertPredictionsMatchArtifact(records, "e005-s00000150", trained);
        given().contentType("application/json").body("{\"x1\": \"high\", \"x2\": 0.2}")
                .when().post("/pipelines/evaluator-test/predict").then().statusCode(400)
                .body("field", equalTo("x1")).body("record", equalTo(0));
        // A list too long for the I/O thread is answered by a worker thread, with the same figures and errors.
        StringBuilder many = new StringBuilder("[");
        for (int i = 0; i < 3 * PipelineResource.ANSWERED_ON_IO_THREAD; i++) {
            many.append(i == 0 ? "" : ",").append("{\"x1\": ").append(i * 0.1 - 2).append(", \"x2\": 0.3}");
        }
        String manyRecords = many.append(']').toString();
        assertPredictionsMatchArtifact(manyRecords, "e005-s00000150", trained);
        given().contentType("application/json").body(manyRecords.replaceFirst("\"x2\": 0.3}]$", "\"x2\": null}]"))
                .when().post("/pipelines/evaluator-test/predict").then().statusCode(400)
                .body("field", equalTo("x2")).body("record", equalTo(3 * PipelineResource.ANSWERED_ON_IO_THREAD - 1));

        // A manual override: refused without a reason, for an unknown or tampered checkpoint; then a rollback.
        given().contentType("application/json").body("{\"checkpointId\": \"e001-s00000000\"}")
                .when().post("/pipelines/evaluator-test/champion").then().statusCode(400)
                .body("field", equalTo("reason"));
        given().contentType("application/json").body("{\"checkpointId\": \"e404\", \"reason\": \"x\"}")
                .when().post("/pipelines/evaluator-test/champion").then().statusCode(404);
        given().contentType("application/json").body("{\"checkpointId\": \"e006-s00000151\", \"reason\": \"x\"}")
                .when().post("/pipelines/evaluator-test/champion").then().statusCode(409)
                .body("error", containsString("SHA-256"));
        given().contentType("application/json")
                .body("{\"checkpointId\": \"e001-s00000000\", \"reason\": \"roll back to compare\"}")
                .when().post("/pipelines/evaluator-test/champion").then().statusCode(200)
                .body("verdict", equalTo("PROMOTED")).body("reason", equalTo("manual override: roll back to compare"))
                .body("validationRows", equalTo(320));
        given().when().get("/pipelines/evaluator-test/champion").then().statusCode(200)
                .body("checkpointId", equalTo("e001-s00000000")).body("promotedBy", equalTo("override"))
                .body("reason", equalTo("roll back to compare"));
        assertThat(models()).extracting(ModelEvent::promotedBy).containsExactly("gate", "override");
        assertThat(evaluations()).hasSize(4);
        // The overriding champion answers from now on, without a restart.
        assertPredictionsMatchArtifact(records, "e001-s00000000", untrained);

        // A restarted evaluator rebuilds the same history and champion from the topics alone.
        EvaluationHistory rebuilt = new EvaluationHistory(SPEC, PipelineRun.none(PIPELINE),
                new KafkaSettings(bootstrap));
        assertThat(rebuilt.evaluations()).extracting(EvaluationEvent::checkpointId)
                .containsExactly("e005-s00000150", "e001-s00000000", "e006-s00000151", "e001-s00000000");
        assertThat(rebuilt.evaluations()).extracting(EvaluationEvent::verdict).map(String::valueOf)
                .containsExactly("PROMOTED", "REJECTED", "ERROR", "PROMOTED");
        assertThat(rebuilt.champion()).get().extracting(ModelEvent::checkpointId, ModelEvent::promotedBy)
                .containsExactly("e001-s00000000", "override");

        // The dashboard's data: the same four evaluations, the overriding champion, the gate metric's curve with
        // the promotions marked, the latest verdicts newest first; the page and its chart library are served here.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when()
                .get("/pipelines/evaluator-test/dashboard").then().statusCode(200)
                .body("evaluations", equalTo(4))
                .body("champion.model.checkpointId", equalTo("e001-s00000000"))
                .body("metrics.accuracy.size()", equalTo(3))
                .body("latestVerdicts[0].verdict", equalTo("PROMOTED"))
                .body("latestVerdicts[1].verdict", equalTo("ERROR")));
        given().when().get("/pipelines/other/dashboard").then().statusCode(404);
        given().redirects().follow(false).when().get("/dashboard").then().statusCode(303);
        given().when().get("/dashboard/index.html").then().statusCode(200).body(containsString("metric-chart"));
        given().when().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").then().statusCode(200);
        given().when().get("/pipelines").then().statusCode(200).body("pipelines[0]", equalTo("evaluator-test"));
        given().when().get("/q/metrics").then().statusCode(200)
                .body(containsString("streamtrain_pipeline_recent_records{pipeline=\"evaluator-test\"}"))
                .body(containsString("streamtrain_pipeline_bad_records_over_budget{pipeline=\"evaluator-test\"} 0.0"));

        // A restarted evaluator's dashboard: a feed that starts now rebuilds the same picture from the topics alone.
        DashboardFeed restarted = new DashboardFeed(SPEC, PipelineRun.none(PIPELINE), new KafkaSettings(bootstrap),
                Duration.ofSeconds(1));
        restarted.start();
        try {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                DashboardState.Snapshot snapshot = restarted.state().snapshot();
                assertThat(snapshot.evaluations()).isEqualTo(4);
                assertThat(snapshot.champion().model().checkpointId()).isEqualTo("e001-s00000000");
                assertThat(snapshot.latestVerdicts()).extracting(DashboardState.RecentVerdict::verdict)
                        .containsExactly("PROMOTED", "ERROR", "REJECTED", "PROMOTED");
                assertThat(snapshot.metrics().get("accuracy")).hasSize(3);
                assertThat(snapshot.lag()).extracting(ConsumerLag.Stage::service).contains("evaluator-service");
            });
        } finally {
            restarted.stop();
        }
    }

    private static void assertPredictionsMatchArtifact(String records, String checkpointId,
                                                       CheckpointWriter.Written checkpoint) throws Exception {
        JsonNode answer = EventCodec.mapper().readTree(given().contentType("application/json").body(records)
                .when().post("/pipelines/evaluator-test/predict").then().statusCode(200)
                .body("checkpointId", equalTo(checkpointId)).extract().asString());
        Path file = Files.createTempDirectory("artifact").resolve("model.stmodel");
        ModelArtifact.export(checkpoint.dir(), checkpoint.sha256(),
                Files.readAllBytes(Path.of("src/test/resources/pipeline.yaml")), file);
        try (ModelArtifact artifact = ModelArtifact.open(file, 1)) {
            List<JsonNode> input = new ArrayList<>();
            EventCodec.mapper().readTree(records).forEach(input::add);
            List<Predictor.Prediction> expected = artifact.predictor().predict(input);
            assertThat(answer.path("predictions").size()).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                JsonNode actual = answer.path("predictions").get(i);
                assertThat(actual.path("prediction").asText()).isEqualTo(expected.get(i).prediction());
                for (var probability : expected.get(i).probabilities().entrySet()) {
                    assertThat(actual.path("probabilities").path(probability.getKey()).doubleValue())
                            .isEqualTo(probability.getValue());
                }
            }
        }
    }

    private static CheckpointManifest manifest(String id, long step) {
        return new CheckpointManifest(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, SPEC.hash(), null,
                STATS, System.currentTimeMillis());
    }

    private static ProducerRecord<String, byte[]> event(String id, CheckpointWriter.Written written, long step) {
        CheckpointEvent event = new CheckpointEvent(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 32, 1,
                SPEC.hash(), written.dir().toString(), written.sha256(), 0.1, 1000, false,
                System.currentTimeMillis());
        return Messages.data(Topics.CHECKPOINTS, PIPELINE, PIPELINE, EventCodec.toBytes(event));
    }

    private List<EvaluationEvent> evaluations() {
        return new TopicReader(new KafkaSettings(bootstrap)).events(Topics.EVALUATIONS, PIPELINE,
                EvaluationEvent.class);
    }

    private List<ModelEvent> models() {
        return new TopicReader(new KafkaSettings(bootstrap)).events(Topics.MODELS, PIPELINE, ModelEvent.class);
    }
}
