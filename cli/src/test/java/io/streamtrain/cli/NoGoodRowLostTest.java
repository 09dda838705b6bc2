package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.StatsLookup;
import io.streamtrain.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No good row lost, through the whole pipeline (the demo with the four services): broken CSV lines cost only
 * themselves whether published or uploaded, and the file's lines add up; 30% broken lines fail the run with the
 * counts and examples; strays in an inferred numeric column cost only their rows; classes that arrive after the
 * warm-up (a file sorted by its label, a class first seen after 50,000 records) are learned, not rejected.
 */
class NoGoodRowLostTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");

    @TempDir
    Path work;

    @Test
    void anUnterminatedQuoteCostsOneLineWhetherPublishedOrUploaded() throws Exception {
        List<String> lines = irisRows();
        lines.add(61, "5.0,\"3.4,1.5,0.2,0");
        lines.add(101, "6.1,2.8,4.7,1.2,1,extra");
        Path data = Files.write(work.resolve("iris-open-quote.csv"), lines);
        for (boolean upload : new boolean[] {false, true}) {
            String name = upload ? "uploaded" : "published";
            JsonNode report = demo(name, data, upload);
            JsonNode records = report.path("records");
            assertThat(records.path("published").asLong()).as(name).isEqualTo(152);
            assertThat(records.path("accepted").asLong()).as(name).isEqualTo(150);
            assertThat(records.path("rejected").asLong()).as(name).isEqualTo(2);
            assertThat(report.path("rejectedByReason").path("MALFORMED_CSV").asLong()).as(name).isEqualTo(2);
            List<String> details = new ArrayList<>();
            report.path("rejectedExamples").forEach(e -> details.add(e.path("detail").asText()));
            assertThat(details).as(name).contains("unterminated quote opened at line 62, column 5");
            if (!upload) {
                assertThat(records.path("lines").path("read").asLong()).isEqualTo(152);
                assertThat(records.path("lines").path("inAccepted").asLong()).isEqualTo(150);
                assertThat(records.path("lines").path("inDeadLetters").asLong()).isEqualTo(2);
            }
        }
    }

    @Test
    void aFileWithThirtyPercentBrokenLinesFailsWithTheCountsAndExamples() throws Exception {
        List<String> lines = irisRows();
        for (int i = 0; i < 65; i++) {
            lines.add(2 + 2 * i, "5.0,3.4," + i);
        }
        Path data = Files.write(work.resolve("iris-broken.csv"), lines);
        String message = failingDemo(spec("iris-broken"), data, "broken");
        assertThat(message).contains("65 of 215 records (30.2%) were dead-lettered, more than the bad-record budget"
                + " of 10% of the records allows").contains("MALFORMED_CSV").contains("first examples:")
                .contains("iris-broken.csv:3  MALFORMED_CSV  line 3 has 3 fields; the header has 5");
        assertThat(work.resolve("broken/report.json")).as("no report of a run on what was left").doesNotExist();
    }

    /**
     * Iris sorted by its label with a warm-up of 40 rows: the warm-up holds one class, the other two are learned as
     * they arrive (statistics version 3), every row is kept, and the champion predicts all three classes.
     */
    @Test
    void aFileSortedByLabelWhoseWarmUpHoldsOneClassLearnsEveryClass() throws Exception {
        List<String> rows = irisRows();
        List<String> sorted = new ArrayList<>(rows.subList(1, rows.size()));
        sorted.sort(java.util.Comparator.comparing(line -> line.substring(line.lastIndexOf(',') + 1)));
        sorted.add(0, rows.get(0));
        Path data = Files.write(work.resolve("iris-sorted.csv"), sorted);
        String spec = Files.readString(IRIS.resolve("pipeline.yaml")).replace("pipeline: iris-e2e",
                "pipeline: iris-sorted").replace("  classes: [\"0\", \"1\", \"2\"]\n", "")
                + "preprocess: {warmupRecords: 40}\n";
        Path specFile = Files.writeString(work.resolve("iris-sorted.yaml"), spec);
        JsonNode result = demo("sorted", specFile, data, false);
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(150);
        assertThat(result.path("records").path("rejected").asLong()).isZero();
        JsonNode champion = result.path("champion");
        assertThat(champion.path("classes")).extracting(JsonNode::asText).containsExactly("0", "1", "2");
        JsonNode matrix = champion.path("confusionMatrix");
        for (int c = 0; c < 3; c++) {
            long support = 0;
            for (JsonNode predicted : matrix.get(c)) {
                support += predicted.asLong();
            }
            assertThat(matrix.get(c).get(c).asLong()).as("class %d predicted", c).isGreaterThan(support / 2);
        }
        assertThat(new StatsLookup(new KafkaSettings(EmbeddedKafka.shared().bootstrapServers()))
                .latest("iris-sorted").orElseThrow().version()).isEqualTo(3);
    }

    /**
     * A class and a categorical value that first appear after 50,000 records are learned mid-run: statistics version
     * 3 (the value, then the class), the trainer grows its network's outputs and inputs while it trains, no row is
     * dead-lettered, and the champion predicts the new class.
     */
    @Test
    void aClassFirstSeenAfterFiftyThousandRecordsIsLearnedAndPredictedByALaterChampion() throws Exception {
        Random random = new Random(11);
        List<String> lines = new ArrayList<>(List.of("x1,x2,tag,label"));
        for (int i = 0; i < 60_000; i++) {
            if (i >= 50_000 && i % 3 == 0) {
                lines.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,z,c", 4 + random.nextGaussian() * 0.3,
                        4 + random.nextGaussian() * 0.3));
            } else {
                double x1 = random.nextGaussian();
                double x2 = random.nextGaussian();
                lines.add(String.format(java.util.Locale.ROOT, "%.4f,%.4f,%s,%s", x1, x2,
                        random.nextBoolean() ? "x" : "y", x1 + x2 > 0 ? "a" : "b"));
            }
        }
        Path data = Files.write(work.resolve("late-class.csv"), lines);
        Path specFile = Files.writeString(work.resolve("late-class.yaml"), """
                pipeline: late-class
                data: {label: label, task: classification}
                batch: {size: 256, shuffleBuffer: 2000}
                model: {hidden: [16]}
                train: {learningRate: 0.01, epochs: 2, checkpointEvery: 100}
                """);
        JsonNode result = demo("late", specFile, data, false);
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(60_000);
        assertThat(result.path("records").path("rejected").asLong()).isZero();
        assertThat(new StatsLookup(new KafkaSettings(EmbeddedKafka.shared().bootstrapServers()))
                .latest("late-class").orElseThrow().version()).isEqualTo(3);
        assertThat(Files.readString(work.resolve("late/logs/trainer-service.log")))
                .contains("the network grows from 2 to 3 outputs and from 5 to 6 inputs");
        JsonNode champion = result.path("champion");
        assertThat(champion.path("classes")).extracting(JsonNode::asText).containsExactly("a", "b", "c");
        JsonNode newClass = champion.path("confusionMatrix").get(2);
        long support = 0;
        for (JsonNode predicted : newClass) {
            support += predicted.asLong();
        }
        System.out.printf("late class: the champion predicts %d of %d validation rows of class c%n",
                newClass.get(2).asLong(), support);
        assertThat(support).isPositive();
        assertThat(newClass.get(2).asLong()).as("the new class is predicted").isGreaterThan(support * 9 / 10);
        assertThat(result.path("lineage").path("duplicates").asLong()).isZero();
        assertThat(result.path("lineage").path("missing").asLong()).isZero();
    }

    /**
     * Strays in a column whose type is inferred, inside the warm-up and after it ({@code abc}, {@code --3},
     * {@code 0x1F}, {@code 1,5}): the column stays numeric and exactly those four rows are dead-lettered as
     * WRONG_TYPE, naming the field. (Before, the one stray in the warm-up made the column categorical and every row
     * was kept.)
     */
    @Test
    void strayValuesInAnInferredNumericColumnCostOnlyTheirRows() throws Exception {
        List<String> lines = irisRows();
        // One stray among the 120 warm-up records (0.8%, under 1 - preprocess.numericShare), three after them.
        lines.add(11, "abc,3.0,1.4,0.2,0");
        lines.add(130, "--3,3.0,1.4,0.2,1");
        lines.add(140, "0x1F,2.8,4.7,1.2,2");
        lines.add(150, "\"1,5\",2.8,4.7,1.2,2");
        Path data = Files.write(work.resolve("iris-strays.csv"), lines);
        String spec = Files.readString(spec("iris-strays")).replaceAll("  features:\n(    .*\n)+", "")
                + "preprocess: {warmupRecords: 120}\n";
        Path specFile = Files.writeString(work.resolve("iris-strays.yaml"), spec);
        JsonNode result = demo("strays", specFile, data, false);
        assertThat(result.path("records").path("published").asLong()).isEqualTo(154);
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(150);
        assertThat(result.path("rejectedByReason").path("WRONG_TYPE").asLong()).isEqualTo(4);
        JsonNode example = result.path("rejectedExamples").get(0);
        assertThat(example.path("field").asText()).isEqualTo("sepal_length");
        assertThat(example.path("detail").asText()).contains("sepal_length");
    }

    /** Runs a demo that must fail; returns what it printed on standard error. */
    private String failingDemo(Path specFile, Path data, String name) {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = StreamTrainCli.run("demo", "--kafka", EmbeddedKafka.shared().bootstrapServers(), "--spec",
                    specFile.toString(), "--data", data.toString(), "--workdir", work.resolve(name).toString(),
                    "--timeout", "PT4M");
        } finally {
            System.setErr(original);
        }
        String message = err.toString(StandardCharsets.UTF_8);
        System.out.println(message);
        assertThat(exit).as(message).isEqualTo(ExitCodes.FAILED);
        return message;
    }

    private JsonNode demo(String name, Path data, boolean upload) throws Exception {
        return demo(name, spec("iris-" + name), data, upload);
    }

    /** Runs the demo, which must succeed, with its work directory {@code name}; returns its report. */
    private JsonNode demo(String name, Path specFile, Path data, boolean upload) throws Exception {
        Path report = work.resolve(name + ".json");
        List<String> args = new ArrayList<>(List.of("demo", "--kafka", EmbeddedKafka.shared().bootstrapServers(),
                "--spec", specFile.toString(), "--data", data.toString(), "--workdir",
                work.resolve(name).toString(), "--report", report.toString(), "--timeout", "PT6M"));
        if (upload) {
            args.add("--upload");
        }
        DemoRuns.assertSucceeded(StreamTrainCli.run(args.toArray(String[]::new)), work.resolve(name));
        return EventCodec.mapper().readTree(Files.readAllBytes(report));
    }

    /** The iris spec under another pipeline name, trained for two epochs (the records are what is checked). */
    private Path spec(String pipeline) throws Exception {
        String spec = Files.readString(IRIS.resolve("pipeline.yaml")).replace("pipeline: iris-e2e",
                "pipeline: " + pipeline).replace("epochs: 40", "epochs: 2");
        return Files.writeString(work.resolve(pipeline + ".yaml"), spec);
    }

    /** The header and the 150 valid rows of the bundled iris file. */
    private static List<String> irisRows() throws Exception {
        return new ArrayList<>(Files.readAllLines(IRIS.resolve("iris-dirty.csv")).subList(0, 151));
    }
}
