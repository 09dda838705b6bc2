package io.streamtrain.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.model.ModelArtifact;
import io.streamtrain.model.Predictor;
import io.streamtrain.pipeline.ingest.CsvRecordReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain predict}: predictions of an exported model on a data file, without Kafka. In: a model
 * artifact ({@code .stmodel}, written by the demo or the evaluator) and a CSV file with a header or an NDJSON file.
 * Out: one JSON object per input record on standard output: {@code prediction} and, for classification,
 * {@code probabilities}; or {@code error} and {@code field} for a record that cannot be predicted on. With a
 * verification key, a model that is not signed with it is refused before anything is predicted.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict with an exported model on a CSV or NDJSON file, one JSON object per record.",
        footer = {"", "Examples:",
                "  ./streamtrain predict --model shuttle.stmodel --data datasets/shuttle/shuttle.csv",
                "  ./streamtrain predict --model model.stmodel --data new.ndjson > out.ndjson",
                "  ./streamtrain predict --model model.stmodel --verify-key signing.pub.pem --data new.csv",
                "", "Exit codes: 0 every record predicted, 1 some records invalid (their lines",
                "say why), 2 bad usage or an unreadable model."})
public final class PredictCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "The exported model (.stmodel).")
    Path model;

    @Option(names = "--data", required = true, description = "CSV with a header (.csv) or one JSON object per line.")
    Path data;

    @Option(names = "--verify-key", description = "Refuse the model unless it is signed with this key: an Ed25519 "
            + "public key (PEM) or the shared HMAC secret. Default: $STREAMTRAIN_MODEL_VERIFY_KEY.")
    Path verifyKey;

    private final PrintStream out = System.out;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(model)) {
            System.err.println("streamtrain predict: no model file " + model);
            return ExitCodes.USAGE;
        }
        if (!Files.isRegularFile(data)) {
            System.err.println("streamtrain predict: no data file " + data);
            return ExitCodes.USAGE;
        }
        Path key = verifyKey != null ? verifyKey : Optional.ofNullable(System.getenv("STREAMTRAIN_MODEL_VERIFY_KEY"))
                .filter(k -> !k.isBlank()).map(Path::of).orElse(null);
        try (ModelArtifact artifact = ModelArtifact.open(model, 1, key == null ? null : ArtifactKeys.verifier(key))) {
            Predictor predictor = artifact.predictor();
            int invalid = data.getFileName().toString().toLowerCase().endsWith(".csv")
                    ? predictCsv(predictor) : predictNdjson(predictor);
            return invalid == 0 ? ExitCodes.OK : ExitCodes.FAILED;
        } catch (IOException e) {
            System.err.println("streamtrain predict: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    private int predictCsv(Predictor predictor) throws IOException {
        int invalid = 0;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            CsvRecordReader csv = new CsvRecordReader(reader);
            for (CsvRecordReader.Row row = csv.next(); row != null; row = csv.next()) {
                invalid += row.rejection() != null
                        ? print(Map.of("error", row.rejection().detail(), "line", row.line()))
                        : predict(predictor, row.record(), row.line());
            }
        }
        return invalid;
    }

    private int predictNdjson(Predictor predictor) throws IOException {
        int invalid = 0;
        long line = 0;
        try (BufferedReader reader = Files.newBufferedReader(data, StandardCharsets.UTF_8)) {
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = EventCodec.mapper().readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    invalid += print(Map.of("error", "not JSON: " + e.getOriginalMessage(), "line", line));
                    continue;
                }
                invalid += predict(predictor, node, line);
            }
        }
        return invalid;
    }

    /** Prints the prediction or the problem; returns 1 when the record was invalid. */
    private int predict(Predictor predictor, JsonNode record, long line) throws IOException {
        try {
            Predictor.Prediction prediction = predictor.predict(List.of(record)).get(0);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("prediction", prediction.prediction());
            if (prediction.probabilities() != null) {
                json.put("probabilities", prediction.probabilities());
            }
            return print(json) - 1;
        } catch (Predictor.InvalidInput e) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("error", e.getMessage().replaceFirst("^record \\d+: ", ""));
            json.put("field", e.field());
            json.put("line", line);
            return print(json);
        }
    }

    private int print(Map<String, Object> json) throws IOException {
        out.println(EventCodec.mapper().writeValueAsString(json));
        return 1;
    }
}
