package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.contracts.Topics;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several trainer processes, one model: the demo on 12,000 shuttle rows with one trainer alone, with a group of
 * two that averages the optimizer state too, and with a group of three that keeps it local and of which one is
 * killed with SIGKILL mid-run (the demo restarts it and it joins again). Every group's final model has each batch
 * exactly once per epoch in its lineage, reaches the single trainer's validation accuracy within 2%, and no sync
 * round waited longer than the spec's timeout. Then a trainer
 * added to a running group: a second trainer process started by hand once the first has written checkpoints joins,
 * reads the partitions it is given, and the lineage stays exactly-once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
    void twoAndThreeTrainersTrainEachBatchOnceAndMatchOneTrainer() throws Exception {
        Path data = firstShuttleRows(12_000);
        JsonNode single = run("group-one", 1, data, 3, 40, "", GroupTrainingTest::nothing);
        JsonNode two = run("group-two", 2, data, 3, 40, ", optimizerState: average", GroupTrainingTest::nothing);
        JsonNode three = run("group-three", 3, data, 3, 40, "", GroupTrainingTest::killTrainerThree);

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

    /**
     * A group of one trainer (the demo's, on all 58,000 shuttle rows so that the run outlasts a second trainer's
     * start) that a second trainer process, started by hand once the group has written a checkpoint, joins: it
     * starts from the group's checkpoint and the rounds since, takes part in the rounds from the first it
     * contributes to on (missing at most one that closed before its contribution came), reads the partition it is
     * given only from a round after it got it, and the lineage is still exactly-once.
     */
    @Test
    @Order(2)
    void aTrainerAddedToARunningGroupJoinsAndNothingIsTrainedTwice() throws Exception {
        KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers());
        TopicAdmin.ensureTopics(kafka, 2);
        TopicAdmin.ensureTrainPartitions(kafka, 2);

        JsonNode joined = run("group-join", 1, SHUTTLE.resolve("shuttle.csv"), 5, 200, "",
                GroupTrainingTest::addTrainerTwo);

        String member = "local-trainer-service-2";
        String log = Files.readString(work.resolve("group-join/logs/trainer-service-2.log"));
        Matcher started = Pattern.compile("starts after sync round (\\d+)").matcher(log);
        assertThat(started.find()).as("the added trainer's start line").isTrue();
        long startedAfter = Long.parseLong(started.group(1));
        Matcher assigned = Pattern.compile("assigned partitions \\[\\d[^]]*] after sync round (\\d+)").matcher(log);
        Matcher reads = Pattern.compile("reads partitions \\[[^]]*] from sync round (\\d+)").matcher(log);
        assertThat(assigned.find()).as("the added trainer was given a partition; its log:%n%s", log).isTrue();
        assertThat(reads.find(assigned.end())).as("the added trainer read its partition; its log:%n%s", log).isTrue();
        long roundsToRead = Long.parseLong(reads.group(1)) - Long.parseLong(assigned.group(1));
        long missedRounds = Pattern.compile("sync round \\d+ closed without trainer " + member)
                .matcher(log.substring(0, reads.start())).results().count();
        System.out.printf("group training: a trainer added after sync round %d joined (%d rounds closed without"
                + " it first) and read its partition %d rounds after getting it; lineage %s%n", startedAfter,
                missedRounds, roundsToRead, joined.path("lineage"));
        assertThat(startedAfter).as("it joined a run under way").isPositive();
        assertThat(missedRounds).isLessThanOrEqualTo(1);
        assertThat(roundsToRead).isPositive();
        assertThat(log).contains("group training of 'group-join' complete");
        assertThat(joined.path("lineage").path("duplicates").asLong()).isZero();
        assertThat(joined.path("lineage").path("missing").asLong()).isZero();
        assertThat(joined.path("lineage").path("batches").asLong())
                .isEqualTo(5 * joined.path("batches").path("train").asLong()).isPositive();
        assertThat(finalAccuracy(joined)).isGreaterThan(0.9);
    }

    /**
     * Early stopping in a group of two trainer processes: the demo's evaluator judges the group's checkpoints;
     * once {@code train.patience} evaluations in a row did not improve, the member that sees it first asks the
     * group to stop with its next contribution, and the round that includes it ends the run for both: one final
     * checkpoint says why, both trainers report their run complete, and the lineage is still exactly-once.
     */
    @Test
    @Order(3)
    void aGroupOfTwoStopsEarlyTogetherWhenPatienceRunsOut() throws Exception {
        Path data = firstShuttleRows(12_000);
        JsonNode group = run("group-patience", 2, data, 200, 40, "", "\n  patience: 2", GroupTrainingTest::nothing);

        JsonNode last = group.path("finalCheckpoint");
        System.out.printf("group training: a group of two stopped early at step %d of epoch %d: %s%n",
                last.path("step").asLong(), last.path("epoch").asInt(), last.path("stopReason").asText());
        assertThat(last.path("stopReason").asText()).startsWith("early stop: accuracy did not improve for 2");
        assertThat(last.path("epoch").asInt()).as("long before 200 epochs").isLessThan(200);
        long finals = new TopicReader(new KafkaSettings(broker.bootstrapServers()))
                .events(Topics.CHECKPOINTS, "group-patience", CheckpointEvent.class).stream()
                .filter(CheckpointEvent::finalCheckpoint).count();
        for (String trainer : List.of("trainer-service", "trainer-service-2")) {
            String log = Files.readString(work.resolve("group-patience/logs/" + trainer + ".log"));
            assertThat(log).as(trainer + " completed").contains("group training of 'group-patience' complete:");
        }
        assertThat(group.path("lineage").path("duplicates").asLong()).isZero();
        assertThat(group.path("lineage").path("missing").asLong()).isZero();
        assertThat(finals).as("one final checkpoint for the group").isEqualTo(1);
    }

    /** A CSV of the header and the first {@code rows} shuttle rows. */
    private Path firstShuttleRows(int rows) throws Exception {
        Path data = work.resolve("shuttle-" + rows + ".csv");
        Files.write(data, Files.readAllLines(SHUTTLE.resolve("shuttle.csv")).subList(0, rows + 1));
        return data;
    }

    /** What a test does to a group while the demo runs it; what it returns is closed when the demo has ended. */
    private interface DuringRun {
        AutoCloseable start(String pipeline, Path runDir, Path specFile) throws Exception;
    }

    private static AutoCloseable nothing(String pipeline, Path runDir, Path specFile) {
        return () -> { };
    }

    /** Kills the third trainer with SIGKILL once the group has written two checkpoints (the demo restarts it). */
    private static AutoCloseable killTrainerThree(String pipeline, Path runDir, Path specFile) throws Exception {
        awaitCheckpoints(runDir.resolve("checkpoints/" + pipeline), 2);
        long pid = Long.parseLong(Files.readString(runDir.resolve("pids/trainer-service-3.pid")).trim());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        return () -> { };
    }

    /**
     * Starts a second trainer process once the group has written a checkpoint; closing the returned handle waits
     * for it to report its run complete, then stops it.
     */
    private static AutoCloseable addTrainerTwo(String pipeline, Path runDir, Path specFile) throws Exception {
        awaitCheckpoints(runDir.resolve("checkpoints/" + pipeline), 1);
        // The demo's run: its checkpoints are in the run's folder, named by its id. The added trainer joins it.
        String runId;
        try (var runs = Files.list(runDir.resolve("checkpoints/" + pipeline))) {
            runId = runs.map(d -> d.getFileName().toString()).filter(name -> !name.startsWith(".")).findFirst()
                    .orElseThrow();
        }
        // Ready once it holds a partition of the group: this also waits until it has joined.
        LocalServices added = LocalServices.start(Home.locate(), List.of("trainer-service-2"), specFile,
                broker.bootstrapServers(), runDir, Duration.ofSeconds(120), LocalServices.DEFAULT_JVM_OPTIONS,
                LocalServices.withRunId(Map.of(), runId));
        Path log = runDir.resolve("logs/trainer-service-2.log");
        return () -> {
            try {
                await().atMost(Duration.ofMinutes(1)).until(() -> Files.readString(log).contains("complete:"));
            } finally {
                added.close();
            }
        };
    }

    private static void awaitCheckpoints(Path dir, int count) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(50)).until(() -> count(dir) >= count);
    }

    /** Contributions of a pipeline's trainers that carried their optimizer state. */
    private static long optimizerStates(String pipeline) {
        return new TopicReader(new KafkaSettings(broker.bootstrapServers()))
                .events(Topics.SYNC, pipeline, SyncMessage.class).stream()
                .filter(m -> m.optimizerStateVector() != null).count();
    }

    /**
     * Runs the demo on {@code data} for {@code epochs} of 64-row batches with {@code trainers} trainers, a checkpoint
     * every {@code checkpointEvery} steps; {@code syncKeys} go into the spec's train.sync.
     */
    private JsonNode run(String name, int trainers, Path data, int epochs, int checkpointEvery, String syncKeys,
                         DuringRun during) throws Exception {
        return run(name, trainers, data, epochs, checkpointEvery, syncKeys, "", during);
    }

    /** As above, with {@code trainKeys} added to the spec's train section. */
    private JsonNode run(String name, int trainers, Path data, int epochs, int checkpointEvery, String syncKeys,
                         String trainKeys, DuringRun during) throws Exception {
        String spec = Files.readString(SHUTTLE.resolve("pipeline.yaml"))
                .replace("pipeline: shuttle", "pipeline: " + name)
                .replace("size: 256", "size: 64")
                .replace("warmupRecords: 5000", "warmupRecords: 2000")
                .replace("epochs: 5", "epochs: " + epochs)
                .replace("checkpointEvery: 200", "checkpointEvery: " + checkpointEvery + trainKeys
                        + (!name.equals("group-one") ? "\n  keepCheckpoints: 3\n  sync: {everySteps: 10, timeoutSeconds: "
                        + TIMEOUT_SECONDS + syncKeys + "}" : ""));
        Path specFile = Files.writeString(work.resolve(name + ".yaml"), spec);
        Path runDir = work.resolve(name);
        Path report = work.resolve(name + ".json");
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> StreamTrainCli.run("demo", "--kafka",
                broker.bootstrapServers(), "--spec", specFile.toString(), "--data", data.toString(),
                "--workdir", runDir.toString(), "--report",
                report.toString(), "--trainers", Integer.toString(trainers), "--timeout", "PT6M"));
        try (AutoCloseable disturbance = during.start(name, runDir, specFile)) {
            DemoRuns.assertSucceeded(demo.get(), runDir);
        }
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

    /** The checkpoints in a pipeline's checkpoint folder: those in each run's folder. */
    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        long checkpoints = 0;
        try (Stream<Path> runs = Files.list(dir)) {
            for (Path run : runs.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith("."))
                    .toList()) {
                try (Stream<Path> entries = Files.list(run)) {
                    checkpoints += entries.filter(p -> !p.getFileName().toString().startsWith(".")).count();
                }
            }
        }
        return checkpoints;
    }
}
