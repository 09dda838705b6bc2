package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: the trainer process is killed with SIGKILL at three random points of a run and restarted by the
 * demo's supervisor; the final model was trained on the same batches in the same order as an uninterrupted run,
 * and its parameters are bit-identical.
 */
class TrainerCrashRecoveryTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");

    @TempDir
    Path work;

    @Test
    void killedThreeTimesTheTrainerEndsWithTheSameLineageAndBitIdenticalParameters() throws Exception {
        JsonNode uninterrupted = run("trainer-straight", null);

        long seed = System.nanoTime();
        Random random = new Random(seed);
        int[] killAfter = {3 + random.nextInt(20), 28 + random.nextInt(20), 53 + random.nextInt(20)};
        System.out.printf("trainer crash test seed %d: kills after %d, %d and %d checkpoints%n", seed, killAfter[0],
                killAfter[1], killAfter[2]);
        JsonNode interrupted = run("trainer-killed", killAfter);

        assertThat(interrupted.path("restarts").path("trainer-service").asInt()).isEqualTo(3);
        JsonNode straight = uninterrupted.path("finalCheckpoint");
        JsonNode killed = interrupted.path("finalCheckpoint");
        assertThat(killed.path("lineageBatches").asLong()).isEqualTo(straight.path("lineageBatches").asLong())
                .isEqualTo(40L * (uninterrupted.path("batches").path("train").asLong()));
        assertThat(killed.path("lineageSha256").asText()).isEqualTo(straight.path("lineageSha256").asText());
        assertThat(killed.path("parametersSha256").asText()).hasSize(64)
                .isEqualTo(straight.path("parametersSha256").asText());
        assertThat(interrupted.path("champion").path("parametersSha256").asText()).hasSize(64);
        // The lineage file carried through every restart names each batch once per epoch.
        assertThat(interrupted.path("lineage").path("batches").asLong()).isEqualTo(killed.path("lineageBatches")
                .asLong());
        assertThat(interrupted.path("lineage").path("duplicates").asLong()).isZero();
        assertThat(interrupted.path("lineage").path("missing").asLong()).isZero();
    }

    /** Runs the demo on iris as pipeline {@code name}, killing the trainer after the given numbers of checkpoints. */
    private JsonNode run(String name, int[] killAfter) throws Exception {
        String spec = Files.readString(IRIS.resolve("pipeline.yaml")).replace("pipeline: iris-e2e", "pipeline: " + name)
                .replace("checkpointEvery: 1000", "checkpointEvery: 5");
        Path specFile = Files.writeString(work.resolve(name + ".yaml"), spec);
        Path runDir = work.resolve(name);
        Path report = work.resolve(name + ".json");
        CompletableFuture<Integer> demo = CompletableFuture.supplyAsync(() -> StreamTrainCli.run("demo", "--kafka",
                EmbeddedKafka.shared().bootstrapServers(), "--spec", specFile.toString(), "--data",
                IRIS.resolve("iris-dirty.csv").toString(), "--workdir", runDir.toString(), "--report", report.toString(),
                "--timeout", "PT6M"));
        if (killAfter != null) {
            Path pidFile = runDir.resolve("pids/trainer-service.pid");
            for (int checkpoints : killAfter) {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(10))
                        .until(() -> DemoRuns.checkpoints(runDir, name).size() >= checkpoints);
                long pid = Long.parseLong(Files.readString(pidFile).trim());
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                await().atMost(Duration.ofMinutes(1)).until(() -> Files.isRegularFile(pidFile)
                        && Long.parseLong(Files.readString(pidFile).trim()) != pid);
            }
        }
        assertThat(demo.get()).isZero();
        return EventCodec.mapper().readTree(Files.readAllBytes(report));
    }
}
