package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Private fields and a secured run end to end: iris with an e-mail column marked {@code drop} and a customer id
 * marked {@code hash} (and used as the record id), bad rows included, uploaded over HTTP with a bearer token to the
 * whole pipeline on its own secured local broker ({@code demo --secure --upload}: SASL_SSL with SCRAM-SHA-512, no
 * plaintext listener). No marked value appears in any file the run leaves behind (the broker's log segments of every
 * topic, checkpoints, the exported model, logs, the report) and no service logged a password, while training works
 * (on checkpoints the trainer signed and the evaluator verified) and dead letters still say what was wrong.
 */
class PrivateFieldsEndToEndTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");
    private static final String EMAIL_DOMAIN = "@private.example";
    private static final String CUSTOMER = "secret-customer-";

    @TempDir
    Path work;

    @Test
    void noMarkedValueReachesAnyTopicOrFileAndTheModelStillTrains() throws Exception {
        List<String> lines = Files.readAllLines(IRIS.resolve("iris-dirty.csv"));
        List<String> data = new ArrayList<>();
        data.add(lines.get(0) + ",email,customer");
        for (int i = 1; i < lines.size(); i++) {
            data.add(lines.get(i) + ",person" + i + EMAIL_DOMAIN + "," + CUSTOMER + i);
        }
        data.add("1.0,2.0,person-bad" + EMAIL_DOMAIN + "," + CUSTOMER + "bad");     // wrong column count
        data.add("oops,3.0,1.4,0.2,0,person-x" + EMAIL_DOMAIN + "," + CUSTOMER + "x"); // wrong type
        Path csv = Files.write(work.resolve("iris-private.csv"), data);
        String spec = Files.readString(IRIS.resolve("pipeline.yaml")).replace("pipeline: iris-e2e",
                "pipeline: iris-private").replace("  task: classification", "  task: classification\n  id: customer\n"
                + "  private: {email: drop, customer: hash}");
        Path specFile = Files.writeString(work.resolve("private.yaml"), spec);
        Path run = work.resolve("run");
        Path report = run.resolve("report.json");

        int exit = StreamTrainCli.run("demo", "--secure", "--upload", "--spec", specFile.toString(), "--data", csv.toString(),
                "--workdir", run.toString(), "--report", report.toString(), "--timeout", "PT6M");

        DemoRuns.assertSucceeded(exit, run);
        JsonNode result = EventCodec.mapper().readTree(Files.readAllBytes(report));
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(150);
        assertThat(result.path("records").path("rejected").asLong()).isEqualTo(8);
        assertThat(result.path("champion").path("metrics").path("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);
        // Checkpoints were signed by the trainer and verified by the evaluator (a refused one would be an ERROR).
        assertThat(result.path("evaluations")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.path("verdict").asText()).isNotEqualTo("ERROR"));
        assertThat(DemoRuns.checkpoints(run, "iris-private"))
                .isNotEmpty().allSatisfy(d -> assertThat(d.resolve("signature.json")).isRegularFile());
        for (JsonNode example : result.path("rejectedExamples")) {
            String original = example.path("original").isNull() ? null : example.path("original").asText();
            if (example.path("reason").asText().equals("MALFORMED_CSV")) {
                assertThat(original).as("a row that did not match the header cannot be cleaned").isNull();
                assertThat(example.path("detail").asText()).contains("not kept");
            } else {
                assertThat(original).doesNotContain("email").contains("\"customer\":\"");
                assertThat(example.path("id").asText()).as("the hashed customer is the id").matches("[0-9a-f]{64}");
            }
        }

        String server = Files.readString(run.resolve("kafka/server.properties"));
        assertThat(server).contains("listeners=SASL_SSL://").doesNotContain("PLAINTEXT://");
        java.util.regex.Matcher storePassword = java.util.regex.Pattern.compile("ssl.keystore.password=(\\S+)")
                .matcher(server);
        assertThat(storePassword.find()).isTrue();
        try (Stream<Path> logs = Files.list(run.resolve("logs"))) {
            for (Path log : logs.toList()) {
                assertThat(Files.readString(log)).as(log.toString()).doesNotContain(storePassword.group(1));
            }
        }

        List<Path> files;
        try (Stream<Path> walk = Files.walk(run)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).as("broker segments, checkpoints, model, logs").anyMatch(p -> p.toString().endsWith(".log")
                && p.toString().contains("streamtrain.records.v1")).anyMatch(p -> p.toString().endsWith(".stmodel"));
        for (Path file : files) {
            if (file.startsWith(run.resolve("security"))) {
                continue; // the run's keys and certificates
            }
            String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertThat(content).as(file.toString()).doesNotContain(EMAIL_DOMAIN).doesNotContain(CUSTOMER);
        }
    }
}
