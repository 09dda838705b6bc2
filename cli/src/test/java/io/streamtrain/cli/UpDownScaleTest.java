package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicReader;
import java.util.stream.Collectors;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code up --detach}, {@code scale} and {@code down} on a real local broker and real service processes: every
 * service ready and named in endpoints.json, two services and the broker killed with SIGKILL restarted (the broker
 * on the same port) and counted, every checkpoint still evaluated exactly once, the trainers
 * scaled to two and back to one, nothing left after down, and a second up on the same work directory continuing
 * from the trainer's checkpoint with the same run id.
 */
class UpDownScaleTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");
    private static final String PIPELINE = "up-down-scale";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private WorkDir work;

    @AfterEach
    void stopWhateverIsLeft() {
        if (work != null) {
            StreamTrainCli.run("down", "--workdir", work.root().toString());
        }
    }

    @Test
    void upKeepsThePipelineRunningScalesTheTrainersAndDownThenUpContinues() throws Exception {
        Path spec = Files.writeString(temp.resolve("spec.yaml"), Files.readString(IRIS.resolve("pipeline.yaml"))
                .replace("pipeline: iris-e2e", "pipeline: " + PIPELINE)
                .replace("shuffleBuffer: 200", "shuffleBuffer: 16")
                .replace("model:", "preprocess:\n  warmupRecords: 50\nmodel:")
                .replace("checkpointEvery: 1000", "checkpointEvery: 5\n  sync: {everySteps: 5, timeoutSeconds: 10}"));
        Path nonSync = Files.writeString(temp.resolve("solo.yaml"), Files.readString(IRIS.resolve("pipeline.yaml")));
        work = new WorkDir(temp.resolve("work"));
        String dir = work.root().toString();

        assertThat(StreamTrainCli.run("up", "--spec", nonSync.toString(), "--workdir", temp.resolve("solo").toString(),
                "--trainers", "2", "--detach")).as("two trainers without train.sync").isEqualTo(ExitCodes.USAGE);

        long started = System.nanoTime();
        assertThat(StreamTrainCli.run("up", "--spec", spec.toString(), "--workdir", dir, "--detach")).isZero();
        System.out.printf("up --detach took %.1f s%n", (System.nanoTime() - started) / 1e9);
        Endpoints endpoints = Endpoints.read(work);
        assertThat(endpoints.services()).containsOnlyKeys("ingest-service", "preprocess-service", "trainer-service",
                "evaluator-service");
        assertThat(endpoints.allReady()).isTrue();
        assertThat(endpoints.runId()).isNotBlank();
        assertThat(endpoints.ingestUrl()).isEqualTo(endpoints.services().get("ingest-service"));
        assertThat(endpoints.dashboardUrl()).isEqualTo(endpoints.services().get("evaluator-service") + "/dashboard");
        assertThat(endpoints.bootstrapServers()).startsWith("127.0.0.1:");
        for (String url : endpoints.services().values()) {
            assertThat(status(url + "/q/health/ready")).as(url).isEqualTo(200);
        }
        assertThat(pidFiles()).containsExactlyInAnyOrder("supervisor", "kafka", "ingest-service",
                "preprocess-service", "trainer-service", "evaluator-service");
        assertThat(StreamTrainCli.run("up", "--spec", spec.toString(), "--workdir", dir, "--detach"))
                .as("a second up while the first runs").isEqualTo(ExitCodes.USAGE);

        assertThat(StreamTrainCli.run("publish", "--kafka", endpoints.bootstrapServers(), "--pipeline", PIPELINE,
                "--continuous", IRIS.resolve("iris-dirty.csv").toString())).isZero();
        // A run keeps its checkpoints in a folder of its own, named <run>-e<epoch>-s<step>.
        Path checkpoints = work.checkpoints().resolve(PIPELINE).resolve(endpoints.runId());
        await().atMost(Duration.ofMinutes(2)).until(() -> count(checkpoints) > 0);

        long preprocess = pid("preprocess-service");
        long evaluator = pid("evaluator-service");
        ProcessHandle.of(preprocess).orElseThrow().destroyForcibly();
        ProcessHandle.of(evaluator).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            Endpoints now = Endpoints.read(work);
            return now != null && now.restarts().get("preprocess-service") == 1
                    && now.ready().contains("preprocess-service") && pid("preprocess-service") != preprocess
                    && now.restarts().get("evaluator-service") == 1 && now.ready().contains("evaluator-service");
        });

        String status = output(() -> StreamTrainCli.run("status", "--workdir", dir));
        assertThat(status).containsPattern("preprocess-service +http://127.0.0.1:\\d+ +ready +restarts 1,"
                + " last exit: killed by signal 9");

        long broker = pid("kafka");
        ProcessHandle.of(broker).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            Endpoints now = Endpoints.read(work);
            return now != null && now.restarts().get("kafka") == 1 && now.allReady() && pid("kafka") != broker;
        });
        assertThat(Endpoints.read(work).bootstrapServers()).as("the same port after a restart")
                .isEqualTo(endpoints.bootstrapServers());
        assertThat(Endpoints.read(work).problems()).containsEntry("kafka", "killed by signal 9");
        // Across an evaluator killed with SIGKILL and a broker restart, every checkpoint is evaluated exactly once.
        TopicReader reader = new TopicReader(new KafkaSettings(endpoints.bootstrapServers()));
        await().atMost(Duration.ofMinutes(2)).until(() -> reader.events(Topics.CHECKPOINTS, PIPELINE,
                CheckpointEvent.class).stream().map(CheckpointEvent::checkpointId).collect(Collectors.toSet())
                .equals(reader.events(Topics.EVALUATIONS, PIPELINE, EvaluationEvent.class).stream()
                        .map(EvaluationEvent::checkpointId).collect(Collectors.toSet())));
        assertThat(reader.events(Topics.EVALUATIONS, PIPELINE, EvaluationEvent.class))
                .extracting(EvaluationEvent::checkpointId).doesNotHaveDuplicates();

        assertThat(StreamTrainCli.run("scale", "trainer", "2", "--workdir", dir)).isZero();
        assertThat(Endpoints.read(work).trainerNames()).containsExactly("trainer-service", "trainer-service-2");
        long second = pid("trainer-service-2");
        assertThat(ProcessHandle.of(second)).isPresent();
        assertThat(StreamTrainCli.run("scale", "trainer", "1", "--workdir", dir)).isZero();
        assertThat(Endpoints.read(work).trainerNames()).containsExactly("trainer-service");
        assertThat(pidFiles()).doesNotContain("trainer-service-2");
        await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(second).isEmpty());

        List<Long> pids = new ArrayList<>();
        for (String name : pidFiles()) {
            pids.add(pid(name));
        }
        String runId = endpoints.runId();
        int steps = lastCheckpointStep(checkpoints);
        assertThat(StreamTrainCli.run("down", "--workdir", dir)).isZero();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
                .as("process %d", pid).isEmpty());
        assertThat(pidFiles()).isEmpty();
        assertThat(work.endpoints()).doesNotExist();
        assertThat(StreamTrainCli.run("down", "--workdir", dir)).as("down when nothing runs").isZero();

        assertThat(StreamTrainCli.run("up", "--spec", spec.toString(), "--workdir", dir, "--detach")).isZero();
        assertThat(Endpoints.read(work).runId()).isEqualTo(runId);
        assertThat(Endpoints.read(work).bootstrapServers()).isEqualTo(endpoints.bootstrapServers());
        await().atMost(Duration.ofMinutes(1)).until(() -> restoredStep() != null);
        assertThat(restoredStep()).as("the trainer continues from its checkpoint").isPositive()
                .isGreaterThanOrEqualTo(steps);
        assertThat(StreamTrainCli.run("down", "--workdir", dir)).isZero();
        assertThat(pidFiles()).isEmpty();
    }

    /** What {@code command} printed; fails unless it exited with 0. */
    private static String output(java.util.function.IntSupplier command) {
        java.io.PrintStream out = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            assertThat(command.getAsInt()).isZero();
        } finally {
            System.setOut(out);
        }
        String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
        out.print(text);
        return text;
    }

    /** The steps the trainer restored at its latest start, or null before it said. */
    private Integer restoredStep() throws Exception {
        Matcher start = Pattern.compile("starts after sync round \\d+: epoch \\d+, (\\d+) steps")
                .matcher(Files.readString(work.logs().resolve("trainer-service.log")));
        Integer last = null;
        int starts = 0;
        while (start.find()) {
            starts++;
            last = Integer.parseInt(start.group(1));
        }
        return starts >= 2 ? last : null;
    }

    private static int lastCheckpointStep(Path checkpoints) throws Exception {
        try (Stream<Path> dirs = Files.list(checkpoints)) {
            return dirs.map(d -> d.getFileName().toString()).filter(n -> n.matches(".+-e\\d+-s\\d+"))
                    .mapToInt(n -> Integer.parseInt(n.substring(n.lastIndexOf("-s") + 2))).max().orElse(0);
        }
    }

    private List<String> pidFiles() throws Exception {
        if (!Files.isDirectory(work.pids())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(work.pids())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".pid"))
                    .map(f -> f.substring(0, f.length() - 4)).toList();
        }
    }

    private long pid(String name) throws Exception {
        return Long.parseLong(Files.readString(work.pids().resolve(name + ".pid")).strip());
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches(".+-e\\d+-s\\d+")).count();
        }
    }

    private static int status(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
