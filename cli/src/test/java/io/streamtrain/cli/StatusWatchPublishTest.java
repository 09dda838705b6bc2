package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that talk to a running deployment, on a real broker: {@code publish} sends a file to the ingest
 * topic and says how fast, {@code status} shows the trainer's progress and the champion, {@code watch} prints one
 * line (or JSON object) per evaluation; all with plain output when not on a terminal.
 */
class StatusWatchPublishTest {

    private static final String PIPELINE = "cli-commands";

    @TempDir
    Path dir;

    @Test
    void publishStatusAndWatchTellWhatHappensOnTheTopics() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        TopicAdmin.ensureTopics(kafka, 1);
        StringBuilder csv = new StringBuilder("x,label\n");
        for (int i = 0; i < 2_500; i++) {
            csv.append(i).append(",a\n");
        }
        Path file = Files.writeString(dir.resolve("cli.csv"), csv);

        // No ingest service runs here: the bad-record check is not waited for.
        JsonNode published = EventCodec.mapper().readTree(run("publish", file.toString(), "--kafka", bootstrap,
                "--pipeline", PIPELINE, "--json", "--check-timeout", "PT0S"));
        assertThat(published.path("published").asLong()).isEqualTo(2_500);
        assertThat(published.path("recordsPerSecond").asLong()).isPositive();
        long onTopic = new TopicReader(kafka).events(Topics.INGEST, PIPELINE, JsonNode.class).stream()
                .filter(n -> n.has("x")).count();
        assertThat(onTopic).isEqualTo(2_500);
        assertThat(run("publish", dir.resolve("missing.csv").toString(), "--kafka", bootstrap, "--pipeline", PIPELINE))
                .isEmpty();

        long now = System.currentTimeMillis();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("cli-test"))) {
            producer.send(Messages.data(Topics.PROGRESS, PIPELINE, PIPELINE, EventCodec.toBytes(new ProgressEvent(
                    SchemaVersion.CURRENT, PIPELINE, 2, 340, 21_760, 0.25, 40_000, 12, now, 0, null, "trainer-a"))));
            for (String id : List.of("e001-s00000170", "e002-s00000340")) {
                producer.send(Messages.data(Topics.EVALUATIONS, PIPELINE, PIPELINE, EventCodec.toBytes(
                        new EvaluationEvent(SchemaVersion.CURRENT, PIPELINE, id, id.startsWith("e001") ? 1 : 2, 170,
                                false, 500, Map.of("accuracy", 0.9), null, null, Verdict.PROMOTED, "accuracy", 0.9,
                                null, "first model", now, null, null, null))));
            }
            // The running budget: 30 records reach the records topic, 3 are dead-lettered, one of them after ingest
            // had accepted it (preprocessing): 3 bad of 32 records.
            for (int i = 0; i < 30; i++) {
                producer.send(Messages.data(Topics.RECORDS, PIPELINE, "r" + i, "{}".getBytes(StandardCharsets.UTF_8)));
            }
            for (String id : List.of("bad-1", "bad-2", "r7")) {
                producer.send(Messages.data(Topics.REJECTED, PIPELINE, id, EventCodec.toBytes(new RejectedRecord(
                        SchemaVersion.CURRENT, PIPELINE, id, id.startsWith("r") ? "preprocess" : "ingest",
                        ReasonCode.WRONG_TYPE, "x", "d", null, null, false, now, null))));
            }
            producer.send(Messages.data(Topics.MODELS, PIPELINE, PIPELINE, EventCodec.toBytes(new ModelEvent(
                    SchemaVersion.CURRENT, PIPELINE, "e002-s00000340", "/nowhere", "00", 2, 340, "h",
                    Map.of("accuracy", 0.9), null, now, ModelEvent.BY_GATE, "first model")))).get();
        }

        JsonNode status = EventCodec.mapper().readTree(run("status", "--kafka", bootstrap, "--pipeline", PIPELINE,
                "--json")).path("pipelines").get(0);
        assertThat(status.path("pipeline").asText()).isEqualTo(PIPELINE);
        assertThat(status.path("champion").path("checkpointId").asText()).isEqualTo("e002-s00000340");
        assertThat(status.path("lastEvaluation").path("checkpointId").asText()).isEqualTo("e002-s00000340");
        JsonNode trainer = status.path("trainers").get(0);
        assertThat(trainer.path("trainer").asText()).isEqualTo("trainer-a");
        assertThat(trainer.path("step").asLong()).isEqualTo(340);
        assertThat(trainer.path("running").asBoolean()).isTrue();
        assertThat(status.path("stages")).hasSize(4);
        JsonNode ingest = status.path("stages").get(0);
        assertThat(ingest.path("members").asInt()).as("no ingest-service runs for it").isZero();
        assertThat(ingest.path("lag").isNull()).as("its group never committed").isTrue();
        assertThat(status.path("recentBad").path("records").asLong()).isEqualTo(32);
        assertThat(status.path("recentBad").path("bad").asLong()).isEqualTo(3);
        assertThat(status.path("recentBad").path("overBudget").asBoolean()).as("3 of 32 is within 10%").isFalse();
        String strict = run("status", "--kafka", bootstrap, "--pipeline", PIPELINE, "--max-bad-records", "5%");
        assertThat(strict).contains("bad records: 3 of the last 32 (9.4%), OVER the budget of 5% of the records");
        String table = run("status", "--kafka", bootstrap, "--pipeline", PIPELINE);
        assertThat(table).contains("pipeline " + PIPELINE).contains("champion: e002-s00000340")
                .contains("trainer trainer-a").doesNotContain("\033[");

        List<String> lines = run("watch", "--kafka", bootstrap, "--pipeline", PIPELINE, "--from-beginning",
                "--limit", "2").lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("e002-s00000340").contains("accuracy 0.9000").contains("PROMOTED");
        JsonNode event = EventCodec.mapper().readTree(run("watch", "--kafka", bootstrap, "--pipeline", PIPELINE,
                "--from-beginning", "--limit", "1", "--json"));
        assertThat(event.path("checkpointId").asText()).isEqualTo("e001-s00000170");
    }

    /** Runs the CLI and returns what it printed on standard output. */
    private static String run(String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            StreamTrainCli.run(args);
        } finally {
            System.setOut(stdout);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
