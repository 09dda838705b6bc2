package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real (in-process) Kafka broker: the demo command starts the four packaged services as
 * separate processes, publishes iris with six bad rows, and waits for the final evaluation.
 */
class DemoEndToEndTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");

    @TempDir
    Path work;

    @Test
    void irisTrainsToHighAccuracyAndBadRowsAreDeadLetteredWithTheirReasons() throws Exception {
        Path report = work.resolve("report.json");
        assertThat(StreamTrainCli.run("sign", "--new-keys", work.resolve("keys").toString())).isZero();
        assertThat(StreamTrainCli.run("sign", "--new-keys", work.resolve("other-keys").toString())).isZero();
        int exit = StreamTrainCli.run("demo", "--kafka", EmbeddedKafka.shared().bootstrapServers(),
                "--spec", IRIS.resolve("pipeline.yaml").toString(), "--data", IRIS.resolve("iris-dirty.csv").toString(),
                "--workdir", work.resolve("run").toString(), "--report", report.toString(), "--timeout", "PT6M",
                "--sign-key", work.resolve("keys/model-signing.pem").toString());

        DemoRuns.assertSucceeded(exit, work.resolve("run"));
        JsonNode result = EventCodec.mapper().readTree(Files.readAllBytes(report));
        assertThat(result.path("records").path("published").asLong()).isEqualTo(156);
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(150);
        assertThat(result.path("records").path("rejected").asLong()).isEqualTo(6);
        Map<String, Long> reasons = new TreeMap<>();
        result.path("rejectedByReason").fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
        assertThat(reasons).containsExactlyInAnyOrderEntriesOf(Map.of(
                "MISSING_LABEL", 1L, "WRONG_TYPE", 1L, "NON_FINITE", 1L, "UNKNOWN_CLASS", 1L,
                "MALFORMED_CSV", 1L, "MISSING_VALUE", 1L));
        // The short line is read as what it is, a CSV line that does not match the header, and every line counts.
        JsonNode fileLines = result.path("records").path("lines");
        assertThat(fileLines.path("read").asLong()).isEqualTo(156);
        assertThat(fileLines.path("inAccepted").asLong()).isEqualTo(150);
        assertThat(fileLines.path("inDeadLetters").asLong()).isEqualTo(6);
        for (JsonNode example : result.path("rejectedExamples")) {
            assertThat(example.path("detail").asText()).isNotBlank();
            assertThat(example.path("source").asText()).startsWith("streamtrain.ingest.v1/");
        }

        JsonNode evaluations = result.path("evaluations");
        assertThat(evaluations).isNotEmpty();
        JsonNode last = evaluations.get(evaluations.size() - 1);
        assertThat(last.path("finalCheckpoint").asBoolean()).isTrue();
        assertThat(last.path("epoch").asInt()).isEqualTo(40);
        assertThat(last.path("metrics").path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        assertThat(result.path("champion").path("metrics").path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        // Each epoch trains on every accepted row that is not held out, exactly once.
        long trainRows = 150 - last.path("validationRows").asLong();
        assertThat(result.path("trainedSamples").asLong()).isEqualTo(40L * trainRows);
        assertThat(result.path("checkpoints").asInt()).isEqualTo(evaluations.size());
        // Every verdict carries its figures: the first against no champion, the last against one, per class too.
        assertThat(evaluations.get(0).path("gate").path("metric").asText()).isEqualTo("accuracy");
        assertThat(last.path("gate").path("value").asDouble()).isEqualTo(last.path("metrics").path("accuracy")
                .asDouble());
        assertThat(last.path("gate").path("championValue").isNumber()).isTrue();
        assertThat(last.path("perClass")).hasSize(3);
        assertThat(last.path("metrics").path("log_loss").asDouble()).isPositive();

        // The exported champion predicts without Kafka: every clean row, and the bad ones say why.
        Path artifact = Path.of(result.path("champion").path("artifact").asText());
        assertThat(artifact).isRegularFile();
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        int predictExit;
        try {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            predictExit = StreamTrainCli.run("predict", "--model", artifact.toString(), "--data",
                    IRIS.resolve("iris-dirty.csv").toString(), "--verify-key",
                    work.resolve("keys/model-signing.pub.pem").toString());
        } finally {
            System.setOut(stdout);
        }
        assertThat(predictExit).as("some rows are invalid").isEqualTo(1);
        List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        List<String> labels = Files.readAllLines(IRIS.resolve("iris-dirty.csv")).subList(1, 151).stream()
                .map(line -> line.substring(line.lastIndexOf(',') + 1)).toList();
        assertThat(lines).hasSize(156);
        int right = 0;
        for (int i = 0; i < 150; i++) {
            JsonNode prediction = EventCodec.mapper().readTree(lines.get(i));
            right += prediction.path("prediction").asText().equals(labels.get(i)) ? 1 : 0;
            assertThat(prediction.path("probabilities").size()).isEqualTo(3);
        }
        assertThat(right).isGreaterThanOrEqualTo(135);
        assertThat(lines.stream().filter(line -> line.contains("\"error\"")).count()).isEqualTo(4);
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"field\":\"sepal_length\""));

        // The champion was exported signed: another key's owner cannot pass it off, nor can an edited copy pass.
        assertThat(StreamTrainCli.run("predict", "--model", artifact.toString(), "--data",
                IRIS.resolve("iris-dirty.csv").toString(), "--verify-key",
                work.resolve("other-keys/model-signing.pub.pem").toString())).isEqualTo(ExitCodes.USAGE);

        // Everything the demo started is stopped, and the pid files are gone with the processes.
        assertThat(work.resolve("run/pids")).isEmptyDirectory();
        // The pictures of the run, in the work directory and beside the --report copy.
        for (Path plots : List.of(work.resolve("run/plots"), work.resolve("plots"))) {
            for (String plot : List.of("loss.png", "metric.png", "confusion.png")) {
                assertThat(plots.resolve(plot)).isRegularFile().isNotEmptyFile();
            }
        }
        assertThat(result.path("progress")).isNotEmpty();
    }

    @Test
    void withPatienceTrainingStopsEarlyAndSaysWhy() throws Exception {
        String spec = Files.readString(IRIS.resolve("pipeline.yaml")).replace("pipeline: iris-e2e", "pipeline: iris-patience")
                .replace("epochs: 40", "epochs: 2000").replace("checkpointEvery: 1000", "checkpointEvery: 1000\n  patience: 8");
        Path specFile = Files.writeString(work.resolve("patience.yaml"), spec);
        Path report = work.resolve("patience-report.json");
        int exit = StreamTrainCli.run("demo", "--kafka", EmbeddedKafka.shared().bootstrapServers(),
                "--spec", specFile.toString(), "--data", IRIS.resolve("iris-dirty.csv").toString(),
                "--workdir", work.resolve("patience").toString(), "--report", report.toString(), "--timeout", "PT6M");

        DemoRuns.assertSucceeded(exit, work.resolve("patience"));
        JsonNode result = EventCodec.mapper().readTree(Files.readAllBytes(report));
        JsonNode last = result.path("finalCheckpoint");
        assertThat(last.path("epoch").asInt()).isBetween(4, 1999);
        assertThat(last.path("stopReason").asText()).matches("early stop: accuracy did not improve for \\d+ evaluations "
                + "\\(best 0\\.\\d+ at (\\S+-)?e\\d+-s\\d+\\)");
        assertThat(result.path("champion").path("metrics").path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void regressionLearnsALinearTargetAndReportsErrorsInOriginalUnits() throws Exception {
        // y = 100 + 30 x1 - 20 x2 + offset(colour) + noise(sd 2): the best possible RMSE is about 2.
        Random random = new Random(11);
        Map<String, Double> offsets = Map.of("red", 0.0, "green", 15.0, "blue", -10.0);
        List<String> colours = List.copyOf(new TreeMap<>(offsets).keySet());
        StringBuilder csv = new StringBuilder("x1,x2,colour,y\n");
        for (int i = 0; i < 1200; i++) {
            double x1 = random.nextDouble() * 10;
            double x2 = random.nextDouble() * 10;
            String colour = colours.get(random.nextInt(3));
            double y = 100 + 30 * x1 - 20 * x2 + offsets.get(colour) + random.nextGaussian() * 2;
            csv.append(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%s,%.4f%n", x1, x2, colour, y));
        }
        Path data = Files.writeString(work.resolve("linear.csv"), csv);
        Path spec = Files.writeString(work.resolve("linear.yaml"), """
                pipeline: linear-e2e
                data: {label: y, task: regression}
                batch: {size: 32, shuffleBuffer: 2000}
                model: {hidden: [32]}
                train: {learningRate: 0.01, epochs: 25, checkpointEvery: 100000}
                evaluate: {metric: rmse}
                """);
        Path report = work.resolve("linear-report.json");
        int exit = StreamTrainCli.run("demo", "--kafka", EmbeddedKafka.shared().bootstrapServers(),
                "--spec", spec.toString(), "--data", data.toString(), "--workdir", work.resolve("run").toString(),
                "--report", report.toString(), "--timeout", "PT6M");

        DemoRuns.assertSucceeded(exit, work.resolve("run"));
        JsonNode result = EventCodec.mapper().readTree(Files.readAllBytes(report));
        JsonNode champion = result.path("champion").path("metrics");
        assertThat(champion.path("r2").asDouble()).isGreaterThan(0.98);
        // Original units: the noise floor is about 2, and the target's own spread is about 100.
        assertThat(champion.path("rmse").asDouble()).isBetween(1.5, 10.0);
        assertThat(champion.path("mae").asDouble()).isLessThan(champion.path("rmse").asDouble());
        assertThat(result.path("champion").path("confusionMatrix").isNull()).isTrue();
        JsonNode residuals = result.path("evaluations").get(result.path("evaluations").size() - 1).path("residuals");
        assertThat(residuals.path("std").asDouble()).isBetween(1.0, 10.0);
        assertThat(residuals.path("p05").asDouble()).isLessThan(residuals.path("p95").asDouble());
        // The champion's predictions against the actual values on the validation rows, in original units.
        JsonNode points = result.path("predictedVsActual");
        assertThat(points.size()).isBetween(200, 2_000);
        double meanAbsolute = 0;
        for (JsonNode point : points) {
            meanAbsolute += Math.abs(point.get(0).asDouble() - point.get(1).asDouble()) / points.size();
        }
        assertThat(meanAbsolute).isCloseTo(champion.path("mae").asDouble(), org.assertj.core.data.Offset.offset(1.0));
        assertThat(work.resolve("plots/predicted-vs-actual.png")).isRegularFile();
        assertThat(work.resolve("plots/confusion.png")).doesNotExist();
    }
}
