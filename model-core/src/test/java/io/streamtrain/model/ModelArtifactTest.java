package io.streamtrain.model;

import static io.streamtrain.model.TrainingAndCheckpointTest.steps;
import static io.streamtrain.model.TrainingAndCheckpointTest.xorBatches;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained checkpoint exported as one file predicts on raw records exactly as the checkpoint scores. */
class ModelArtifactTest {

    private static final String SPEC_TEXT = """
            pipeline: xor
            data: {label: y, task: classification}
            model: {hidden: [16, 16]}
            train: {learningRate: 0.01, seed: 3}
            """;
    private static final PipelineSpec SPEC = SpecLoader.parse(SPEC_TEXT);
    private static final NormalizationStats STATS = TrainingAndCheckpointTest.STATS;

    @TempDir
    Path dir;

    @Test
    void exportsOpensAndPredictsOnRawRecords() throws IOException {
        CheckpointWriter.Written written = trainedCheckpoint();
        Path file = dir.resolve("out/xor.stmodel");
        ModelArtifact.Description description = ModelArtifact.export(written.dir(), written.sha256(),
                SPEC_TEXT.getBytes(StandardCharsets.UTF_8), file);
        assertThat(description.parametersSha256()).isEqualTo(written.sha256());
        assertThat(description.specHash()).isEqualTo(SPEC.hash());

        try (ModelArtifact artifact = ModelArtifact.open(file, 1);
             InferenceModel checkpoint = InferenceModel.load(SPEC, written.dir(), written.sha256(), 1)) {
            assertThat(artifact.description().checkpointId()).isEqualTo("e001");
            List<Predictor.Prediction> predictions = artifact.predictor().predict(List.of(
                    json("{\"a\": 0.7, \"b\": 0.6, \"y\": \"ignored\"}"), json("{\"a\": -0.7, \"b\": 0.6}")));
            assertThat(predictions).extracting(Predictor.Prediction::prediction).containsExactly("same", "different");
            assertThat(predictions.get(0).probabilities().values().stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-6));
            // Bit for bit the checkpoint's own outputs.
            float[] logits = checkpoint.outputs(new float[] {0.7f, 0.6f}, 1, 2);
            assertThat(predictions.get(0).probabilities().get("same"))
                    .isEqualTo(ModelScorer.softmaxAt(logits, 0, 2, 0));

            assertThatThrownBy(() -> artifact.predictor().predict(List.of(json("{\"a\": 1, \"b\": 1}"),
                    json("{\"a\": \"north\", \"b\": 1}"))))
                    .isInstanceOfSatisfying(Predictor.InvalidInput.class, e -> {
                        assertThat(e.field()).isEqualTo("a");
                        assertThat(e.index()).isEqualTo(1);
                    });
            assertThatThrownBy(() -> artifact.predictor().predict(List.of(json("{\"b\": 1}"))))
                    .isInstanceOfSatisfying(Predictor.InvalidInput.class, e -> assertThat(e.field()).isEqualTo("a"));
        }
    }

    @Test
    void anArtifactWhoseParametersChangedIsRefused() throws IOException {
        CheckpointWriter.Written written = trainedCheckpoint();
        Path file = dir.resolve("xor.stmodel");
        ModelArtifact.export(written.dir(), written.sha256(), SPEC_TEXT.getBytes(StandardCharsets.UTF_8), file);
        Path tampered = dir.resolve("tampered.stmodel");
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tampered))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (entry.getName().equals("model-0000.params")) {
                    bytes[bytes.length - 1] ^= 1;
                }
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(bytes);
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> ModelArtifact.open(tampered, 1)).isInstanceOf(IOException.class)
                .hasMessageContaining("SHA-256");
        assertThatThrownBy(() -> ModelArtifact.export(written.dir(), "0".repeat(64), new byte[0], file))
                .isInstanceOf(IOException.class).hasMessageContaining("SHA-256");
    }

    @Test
    void aSignedArtifactOpensOnlyWithTheRightKeyAndUnchangedEntries() throws IOException {
        CheckpointWriter.Written written = trainedCheckpoint();
        Path privateKey = dir.resolve("signing.pem");
        Path publicKey = dir.resolve("signing.pub.pem");
        ArtifactKeys.newKeyPair(privateKey, publicKey);
        Path otherPrivate = dir.resolve("other.pem");
        Path otherPublic = dir.resolve("other.pub.pem");
        ArtifactKeys.newKeyPair(otherPrivate, otherPublic);
        byte[] spec = SPEC_TEXT.getBytes(StandardCharsets.UTF_8);

        Path signed = dir.resolve("signed.stmodel");
        ModelArtifact.export(written.dir(), written.sha256(), spec, signed, ArtifactKeys.signer(privateKey));
        try (ModelArtifact artifact = ModelArtifact.open(signed, 1, ArtifactKeys.verifier(publicKey))) {
            assertThat(artifact.verifiedWith()).isEqualTo("Ed25519");
        }
        assertThatThrownBy(() -> ModelArtifact.open(signed, 1, ArtifactKeys.verifier(otherPublic)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not verify");
        // The manifest (with the statistics that normalize input) changed after signing.
        Path edited = rewrite(signed, "manifest.json", bytes -> (new String(bytes, StandardCharsets.UTF_8) + " ")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> ModelArtifact.open(edited, 1, ArtifactKeys.verifier(publicKey)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not verify");

        Path unsigned = dir.resolve("unsigned.stmodel");
        ModelArtifact.export(written.dir(), written.sha256(), spec, unsigned);
        assertThatThrownBy(() -> ModelArtifact.open(unsigned, 1, ArtifactKeys.verifier(publicKey)))
                .isInstanceOf(IOException.class).hasMessageContaining("not signed");
        try (ModelArtifact artifact = ModelArtifact.open(unsigned, 1)) {
            assertThat(artifact.verifiedWith()).as("no verification asked").isNull();
        }

        // A shared HMAC secret signs and verifies; signing an existing artifact replaces its signature.
        Path secret = Files.writeString(dir.resolve("secret.key"), "a shared secret of enough bytes\n");
        Path tooShort = Files.writeString(dir.resolve("short.key"), "short");
        ModelArtifact.sign(unsigned, ArtifactKeys.signer(secret));
        try (ModelArtifact artifact = ModelArtifact.open(unsigned, 1, ArtifactKeys.verifier(secret))) {
            assertThat(artifact.verifiedWith()).isEqualTo("HmacSHA256");
        }
        assertThatThrownBy(() -> ModelArtifact.open(unsigned, 1, ArtifactKeys.verifier(publicKey)))
                .isInstanceOf(IOException.class).hasMessageContaining("does not verify");
        assertThatThrownBy(() -> ArtifactKeys.signer(tooShort)).isInstanceOf(IOException.class)
                .hasMessageContaining("at least 16");
        assertThatThrownBy(() -> ArtifactKeys.verifier(privateKey)).isInstanceOf(IOException.class)
                .hasMessageContaining("public key");
    }

    /** A copy of an artifact with one entry changed. */
    private Path rewrite(Path file, String name, java.util.function.UnaryOperator<byte[]> change) throws IOException {
        Path copy = dir.resolve("edited-" + file.getFileName());
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(file));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(copy))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                out.putNextEntry(new ZipEntry(entry.getName()));
                out.write(entry.getName().equals(name) ? change.apply(bytes) : bytes);
                out.closeEntry();
            }
        }
        return copy;
    }

    private CheckpointWriter.Written trainedCheckpoint() throws IOException {
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            List<Batch> batches = xorBatches(60, 1);
            for (int epoch = 0; epoch < 10; epoch++) {
                steps(session, batches, 1 + epoch * 60L);
            }
            return new CheckpointWriter(dir.resolve("checkpoints")).write(session,
                    new CheckpointManifest(1, "xor", "e001", 1, 600, 38400, SPEC.hash(), null, STATS, 1L));
        }
    }

    private static JsonNode json(String text) throws IOException {
        return EventCodec.mapper().readTree(text);
    }
}
