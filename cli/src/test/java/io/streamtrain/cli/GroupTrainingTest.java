package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several trainer processes, one model: the demo on 12,000 shuttle rows with one trainer alone, with a group of
 * two that averages the optimizer state too, and with a group of three that keeps it local and of which one is
 * killed with SIGKILL mid-run (the demo restarts it and it joins again). Every group's final model has each batch exactly once per epoch in its lineage, reaches the single
 * trainer's validation accuracy within 2%, and no sync round waited longer than the spec's timeout.
 */
class GroupTrainingTest {

    private static final Path SHUTTLE = Path.of("../datasets/shuttle");
    private static final int TIMEOUT_SECONDS = 8;

    /** Its own broker: the groups add train partitions, which would change the batch order of other tests. */
    private static EmbeddedKafka broker;

    @TempDir
    Path work;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.startPrivate();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void twoAndThreeTrainersTrainEachBatchOnceAndMatchOneTrainer() throws Exception {
        Path data = work.resolve("shuttle-12k.csv");
        List<String> lines = Files.readAllLines(SHUTTLE.resolve("shuttle.csv"));
        Files.write(data, lines.subList(0, 12_001));

        JsonNode single = run("group-one", 1, false, "");
        JsonNode two = run("group-two", 2, false, ", optimizerState: average");
        JsonNode three = run("group-three", 3, true, "");

        double baseline = finalAccuracy(single);
        System.out.printf("group training: final accuracy 1 trainer %.4f, 2 trainers averaging the optimizer state"
                + " %.4f, 3 trainers keeping it local (one killed) %.4f; lineage %s / %s%n", baseline,
                finalAccuracy(two), finalAccuracy(three), two.path("lineage"), three.path("lineage"));
        assertThat(baseline).isGreaterThan(0.9);
        assertThat(optimizerStates("group-two")).as("contributions after a step carry the moments").isPositive();
        assertThat(optimizerStates("group-three")).as("local optimizer state: none sent").isZero();
        for (JsonNode group : List.of(two, three)) {
            assertThat(group.path("lineage").path("duplicates").asLong()).isZero();
            assertThat(group.path("lineage").path("missing").asLong()).isZero();
            assertThat(group.path("lineage").path("batches").asLong())
                    .isEqualTo(3 * group.path("batches").path("train").asLong()).isPositive();
            assertThat(finalAccuracy(group)).isCloseTo(baseline, org.assertj.core.data.Offset.offset(0.02));
            // train.keepCheckpoints: 3 — evaluated checkpoints beyond the newest three (and the champion) are gone.
            assertThat(count(Path.of(group.path("workdir").asText()).resolve("checkpoints")
                    .resolve(group.path("pipeline").asText()))).isLessThan(group.path("checkpoints").asLong());
        }
        assertThat(three.path("restarts").path("trainer-service-3").asInt()).isEqualTo(1);
        // Trainer 3, before and after its restart, read partitions it was given from the first round it
        // contributed to after getting them (the second when a contribution was already on its way).
        String log = Files.readString(work.resolve("group-three/logs/trainer-service-3.log"));
        List<Long> roundsToJoin = new java.util.ArrayList<>();
        long assignedAfter = -1;
        Matcher line = Pattern.compile("assigned partitions \\[\\d[^]]*] after sync round (\\d+)"
                + "|reads partitions \\[[^]]*] from sync round (\\d+)").matcher(log);
        while (line.find()) {
            if (line.group(1) != null) {
                assignedAfter = Long.parseLong(line.group(1));
            } else if (assignedAfter >= 0) {
                roundsToJoin.add(Long.parseLong(line.group(2)) - assignedAfter);
                assignedAfter = -1;
            }
        }
        System.out.println("group training: trainer 3 read its partitions " + roundsToJoin + " rounds after getting them");
        assertThat(log.split("joins the group", -1)).as("trainer 3 started twice").hasSize(3);
        assertThat(log.substring(log.lastIndexOf("joins the group"))).contains("reads partitions");
        assertThat(roundsToJoin).isNotEmpty().allSatisfy(n -> assertThat(n).isBetween(1L, 3L));
        assertThat(three.path("finalCheckpoint").path("stopReason").asText()).contains("completed 3 epochs");
    }

    /** Contributions of a pipeline's trainers that carried their optimizer state. */
    private static long optimizerStates(String pipeline) {
        return new TopicReader(new KafkaSettings(broker.bootstrapServers()))
                .events(Topics.SYNC, pipeline, SyncMessage.class).stream()
                .filter(m -> m.optimizerStateVector() != null).count();
    }

    /**
     * Runs the demo; with {@code kill}, the third trainer is killed once the group has written a checkpoint;
     * {@code syncKeys} go into the spec's {@code train.sync}.
     */
    private JsonNode run(String name, int trainers, boolean kill, String syncKeys) throws Exception {
        String spec = Files.readString(SHUTTLE.resolve("pipeline.yaml"))
                .replace("pipeline: shuttle", "pipeline: " + name)
                .replace("size: 256", "size: 64")
                .replace("warmupRecords: 5000", "warmupRecords: 2000")
                .replace("epochs: 5", "epochs: 3")
                .replace("checkpointEvery: 200", "checkpointEvery: 40"
                        + (trainers > 1 ? "\n  keepCheckpoints: 3\n  sync: {everySteps: 10, timeoutSeconds: "
                        + TIMEOUT_SECONDS + syncKeys + "}" : ""));
        Path specFile = Files.writeString(work.resolve(name + ".yaml"), spec);
        Path runDir = work.resolve(name);
        Path report = work.resolve(name + ".json");
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> StreamTrainCli.run("demo", "--kafka",
                broker.bootstrapServers(), "--spec", specFile.toString(), "--data",
                work.resolve("shuttle-12k.csv").toString(), "--workdir", runDir.toString(), "--report",
                report.toString(), "--trainers", Integer.toString(trainers), "--timeout", "PT6M"));
        if (kill) {
            Path pidFile = runDir.resolve("pids/trainer-service-3.pid");
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50))
                    .until(() -> count(runDir.resolve("checkpoints/" + name)) >= 2);
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        }
        assertThat(demo.get()).isZero();
        if (trainers > 1) {
            for (String survivor : List.of("trainer-service", "trainer-service-2")) {
                assertThat(longestRoundWait(runDir.resolve("logs/" + survivor + ".log")))
                        .isLessThanOrEqualTo(TIMEOUT_SECONDS * 1000L + 1000L);
            }
        }
        return EventCodec.mapper().readTree(Files.readAllBytes(report));
    }

    private static double finalAccuracy(JsonNode report) {
        JsonNode last = null;
        for (JsonNode evaluation : report.path("evaluations")) {
            if (evaluation.path("finalCheckpoint").asBoolean()) {
                last = evaluation;
            }
        }
        assertThat(last).as("an evaluation of the final checkpoint").isNotNull();
        return last.path("metrics").path("accuracy").asDouble();
    }

    /** The longest wait for a sync round a trainer reported when its run completed. */
    private static long longestRoundWait(Path log) throws Exception {
        Matcher matcher = Pattern.compile("waited at most (\\d+) ms for a sync round").matcher(Files.readString(log));
        assertThat(matcher.find()).as("completion line in " + log).isTrue();
        return Long.parseLong(matcher.group(1));
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }
}
