package io.streamtrain.model;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A checkpoint loaded for inference. In: encoded input rows. Out: the raw network outputs per row (class logits,
 * or the z-scored regression target). The digest of the parameter file is checked before loading.
 */
public final class InferenceModel implements AutoCloseable {

    private final Model model;
    private final CheckpointManifest manifest;

    private InferenceModel(Model model, CheckpointManifest manifest) {
        this.model = model;
        this.manifest = manifest;
    }

    /**
     * Loads the checkpoint in {@code dir}; fails with an IOException when the parameter file's SHA-256 is not
     * {@code expectedSha256} (null skips the check) or the files cannot be read.
     */
    public static InferenceModel load(PipelineSpec spec, Path dir, String expectedSha256, int threads)
            throws IOException {
        CheckpointManifest manifest = EventCodec.fromBytes(Files.readAllBytes(CheckpointFiles.manifest(dir)),
                CheckpointManifest.class);
        String actual = CheckpointFiles.sha256(CheckpointFiles.parameters(dir));
        if (expectedSha256 != null && !expectedSha256.equals(actual)) {
            throw new IOException("checkpoint " + dir + " has SHA-256 " + actual + " but " + expectedSha256
                    + " was announced");
        }
        Engines.pytorch(threads);
        Model model = Model.newInstance(spec.pipeline(), "PyTorch");
        try {
            model.setBlock(MlpFactory.build(spec, manifest.stats()));
            model.load(dir, CheckpointFiles.MODEL_NAME);
            return new InferenceModel(model, manifest);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            throw new IOException("cannot load checkpoint " + dir + ": " + e.getMessage(), e);
        }
    }

    public CheckpointManifest manifest() {
        return manifest;
    }

    /** Network outputs for {@code rows} rows of {@code cols} features: {@code rows x outputs}, row-major. */
    public float[] outputs(float[] features, int rows, int cols) {
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(features, new Shape(rows, cols));
            NDList out = model.getBlock().forward(new ParameterStore(manager, false), new NDList(input), false);
            return out.singletonOrThrow().toFloatArray();
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
