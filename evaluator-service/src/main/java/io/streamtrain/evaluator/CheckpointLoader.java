package io.streamtrain.evaluator;

import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.model.CheckpointSignature;
import io.streamtrain.model.InferenceModel;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Loads the checkpoints the evaluator scores and serves. In: the path and SHA-256 an event announced. Out: the
 * model, once its parameter file matches the digest and, with {@code streamtrain.checkpoint-verify-key} (the
 * trainers' public key or shared secret), the checkpoint carries a valid signature of the trainers; an
 * IOException saying which check failed otherwise.
 */
@ApplicationScoped
public class CheckpointLoader {

    private final PipelineSpec spec;
    private final int threads;
    private final ArtifactKeys.Verifier verifier;

    public CheckpointLoader(PipelineSpec spec, @ConfigProperty(name = "streamtrain.evaluator.threads") int threads,
                            @ConfigProperty(name = "streamtrain.checkpoint-verify-key") Optional<String> verifyKey)
            throws IOException {
        this.spec = spec;
        this.threads = threads;
        this.verifier = verifyKey.isEmpty() ? null : ArtifactKeys.verifier(Path.of(verifyKey.get()));
    }

    public InferenceModel load(String path, String sha256) throws IOException {
        if (verifier != null) {
            CheckpointSignature.verify(Path.of(path), verifier);
        }
        return InferenceModel.load(spec, Path.of(path), sha256, threads);
    }
}
