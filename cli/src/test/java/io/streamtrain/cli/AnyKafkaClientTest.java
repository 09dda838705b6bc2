package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.contracts.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline kept running by {@code up} and fed by a plain Kafka client, Debian's {@code kcat}, not by project
 * code: JSON messages without headers, in three waves, each closed by the end-of-data control message (two
 * headers); the trainers scaled to two before the second wave, the pipeline stopped and started again before the
 * third. The evaluation events, read back with kcat, show every wave's segment evaluated, each checkpoint once.
 */
class AnyKafkaClientTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");
    private static final String PIPELINE = "any-client";
    private static final Path KCAT = Path.of("/usr/bin/kcat");

    @TempDir
    Path temp;

    private WorkDir work;

    @AfterEach
    void stop() {
        if (work != null) {
            StreamTrainCli.run("down", "--workdir", work.root().toString());
        }
    }

    @Test
    void kcatFeedsARunningPipelineInWavesAcrossAScaleAndARestartAndReadsItsEvaluations() throws Exception {
        assumeTrue(Files.isExecutable(KCAT), "needs Debian's kcat (apt-get install kcat; .ci/run installs it)");
        Path spec = Files.writeString(temp.resolve("spec.yaml"), Files.readString(IRIS.resolve("pipeline.yaml"))
                .replace("pipeline: iris-e2e", "pipeline: " + PIPELINE)
                .replace("shuffleBuffer: 200", "shuffleBuffer: 16")
                .replace("model:", "preprocess:\n  warmupRecords: 30\nmodel:")
                .replace("epochs: 40", "epochs: 3")
                .replace("checkpointEvery: 1000", "checkpointEvery: 1000\n  sync: {everySteps: 4, timeoutSeconds: 10}"));
        List<List<String>> waves = waves(IRIS.resolve("iris-dirty.csv"), 3);
        work = new WorkDir(temp.resolve("work"));
        String dir = work.root().toString();
        assertThat(StreamTrainCli.run("up", "--spec", spec.toString(), "--workdir", dir, "--detach")).isZero();

        feed(waves.get(0), 1);
        assertThat(StreamTrainCli.run("scale", "trainer", "2", "--workdir", dir)).isZero();
        feed(waves.get(1), 2);
        assertThat(StreamTrainCli.run("down", "--workdir", dir)).isZero();
        assertThat(StreamTrainCli.run("up", "--spec", spec.toString(), "--workdir", dir, "--detach")).isZero();
        feed(waves.get(2), 3);

        List<EvaluationEvent> evaluations = evaluations();
        System.out.printf("any client: %d evaluation events, %d promotions, final checkpoints %s%n",
                evaluations.size(), evaluations.stream().filter(e -> e.verdict() == Verdict.PROMOTED).count(),
                evaluations.stream().filter(EvaluationEvent::finalCheckpoint).map(e -> e.checkpointId() + " "
                        + e.verdict() + " " + e.value()).toList());
        assertThat(evaluations).extracting(EvaluationEvent::checkpointId).doesNotHaveDuplicates();
        assertThat(evaluations).anyMatch(e -> e.verdict() == Verdict.PROMOTED);
        assertThat(evaluations.stream().filter(EvaluationEvent::finalCheckpoint).map(EvaluationEvent::step).toList())
                .as("each segment's final checkpoint trains further").isSorted().doesNotHaveDuplicates();
    }

    /** Publishes one wave and its end-of-data marker with kcat; waits for that segment's final evaluation. */
    private void feed(List<String> wave, int segment) throws Exception {
        Path file = Files.write(temp.resolve("wave-" + segment + ".jsonl"), wave, StandardCharsets.UTF_8);
        kcat(null, "-P", "-t", Topics.INGEST, "-l", file.toString());
        kcat("{}", "-P", "-t", Topics.INGEST, "-H", "streamtrain.pipeline=" + PIPELINE,
                "-H", "streamtrain.control=end-of-data");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                evaluations().stream().filter(EvaluationEvent::finalCheckpoint).count() >= segment);
    }

    /** The pipeline's evaluation events, read from the beginning with kcat. */
    private List<EvaluationEvent> evaluations() throws Exception {
        List<EvaluationEvent> events = new ArrayList<>();
        for (String line : kcat(null, "-C", "-t", Topics.EVALUATIONS, "-o", "beginning", "-e", "-q", "-f",
                "%h\\t%s\\n").split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0 && line.substring(0, tab).contains("streamtrain.pipeline=" + PIPELINE)) {
                events.add(EventCodec.fromBytes(line.substring(tab + 1).getBytes(StandardCharsets.UTF_8),
                        EvaluationEvent.class));
            }
        }
        return events;
    }

    /** Runs kcat against the running pipeline's broker with {@code input} on its standard input; its output. */
    private String kcat(String input, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(KCAT.toString(), "-b",
                Endpoints.read(work).bootstrapServers()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (var stdin = process.getOutputStream()) {
            if (input != null) {
                stdin.write(input.getBytes(StandardCharsets.UTF_8));
            }
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("kcat %s", command).isZero();
        return output;
    }

    /**
     * The CSV's rows as JSON objects (features that are numbers as numbers, anything else, the label too, as
     * text), split into {@code count} waves.
     */
    private static List<List<String>> waves(Path csv, int count) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        String[] header = lines.get(0).split(",", -1);
        List<String> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            ObjectNode row = EventCodec.mapper().createObjectNode();
            for (int i = 0; i < header.length && i < cells.length; i++) {
                try {
                    if (header[i].equals("target")) {
                        row.put(header[i], cells[i]);
                    } else {
                        row.put(header[i], Double.parseDouble(cells[i]));
                    }
                } catch (NumberFormatException e) {
                    row.put(header[i], cells[i]);
                }
            }
            rows.add(row.toString());
        }
        List<List<String>> waves = new ArrayList<>();
        int size = (rows.size() + count - 1) / count;
        for (int from = 0; from < rows.size(); from += size) {
            waves.add(rows.subList(from, Math.min(rows.size(), from + size)));
        }
        return waves;
    }
}
