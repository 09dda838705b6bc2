package io.streamtrain.model;

import static io.streamtrain.model.TrainingAndCheckpointTest.steps;
import static io.streamtrain.model.TrainingAndCheckpointTest.xorBatches;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed checkpoint verifies with the trainers' key only, and only as it was written. */
class CheckpointSignatureTest {

    private static final PipelineSpec SPEC = SpecLoader.parse(
            "pipeline: xor\ndata: {label: y, task: classification}\nmodel: {hidden: [8]}\ntrain: {seed: 3}\n");

    @TempDir
    Path dir;

    @Test
    void onlyTheTrainersKeyAndUnchangedFilesVerify() throws IOException {
        Path key = dir.resolve("trainer.pem");
        Path publicKey = dir.resolve("trainer.pub.pem");
        ArtifactKeys.newKeyPair(key, publicKey);
        ArtifactKeys.newKeyPair(dir.resolve("other.pem"), dir.resolve("other.pub.pem"));
        ArtifactKeys.Verifier trainers = ArtifactKeys.verifier(publicKey);

        CheckpointWriter.Written signed = write(new CheckpointWriter(dir.resolve("signed"),
                ArtifactKeys.signer(key)));
        assertThatCode(() -> CheckpointSignature.verify(signed.dir(), trainers)).doesNotThrowAnyException();
        assertThatThrownBy(() -> CheckpointSignature.verify(signed.dir(),
                ArtifactKeys.verifier(dir.resolve("other.pub.pem")))).hasMessageContaining("does not verify");

        CheckpointWriter.Written unsigned = write(new CheckpointWriter(dir.resolve("unsigned")));
        assertThatThrownBy(() -> CheckpointSignature.verify(unsigned.dir(), trainers))
                .hasMessageContaining("not signed");

        // Parameters changed after signing.
        Files.write(CheckpointFiles.parameters(signed.dir()), new byte[] {1}, StandardOpenOption.APPEND);
        assertThatThrownBy(() -> CheckpointSignature.verify(signed.dir(), trainers))
                .hasMessageContaining("does not verify");
    }

    private static CheckpointWriter.Written write(CheckpointWriter writer) throws IOException {
        try (TrainingSession session = new TrainingSession(SPEC, TrainingAndCheckpointTest.STATS, 1)) {
            steps(session, xorBatches(5, 1), 1);
            return writer.write(session, new CheckpointManifest(1, "xor", "e001", 1, 5, 160, SPEC.hash(), null,
                    TrainingAndCheckpointTest.STATS, System.currentTimeMillis(), null));
        }
    }
}
