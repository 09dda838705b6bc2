package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A promoted model as one self-contained file (a zip): the parameters ({@code model-0000.params}), the checkpoint
 * manifest with the normalization statistics ({@code manifest.json}), the pipeline spec as it was
 * ({@code pipeline.yaml}) and {@code artifact.json} (pipeline, checkpoint, parameter digest, spec hash). Enough to
 * predict without Kafka or the checkpoint directory. Opening checks the parameters against the recorded digest.
 */
public final class ModelArtifact implements AutoCloseable {

    static final String SPEC = "pipeline.yaml";
    static final String DESCRIPTION = "artifact.json";

    /** What the artifact holds. */
    public record Description(int schemaVersion, String pipeline, String checkpointId, String parametersSha256,
                              String specHash, long exportedAt) {
    }

    private final Path dir;
    private final Description description;
    private final PipelineSpec spec;
    private final InferenceModel model;

    private ModelArtifact(Path dir, Description description, PipelineSpec spec, InferenceModel model) {
        this.dir = dir;
        this.description = description;
        this.spec = spec;
        this.model = model;
    }

    /**
     * Writes the checkpoint in {@code checkpointDir} with the spec file's bytes to {@code target} (atomically);
     * fails when the parameters do not match {@code expectedSha256}.
     */
    public static Description export(Path checkpointDir, String expectedSha256, byte[] spec, Path target)
            throws IOException {
        String actual = CheckpointFiles.sha256(CheckpointFiles.parameters(checkpointDir));
        if (!actual.equals(expectedSha256)) {
            throw new IOException("checkpoint " + checkpointDir + " has SHA-256 " + actual + ", not " + expectedSha256);
        }
        CheckpointManifest manifest = EventCodec.fromBytes(Files.readAllBytes(CheckpointFiles.manifest(checkpointDir)),
                CheckpointManifest.class);
        PipelineSpec parsed = SpecLoader.parse(new String(spec, StandardCharsets.UTF_8));
        Description description = new Description(1, manifest.pipeline(), manifest.checkpointId(), actual,
                parsed.hash(), System.currentTimeMillis());
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, ".artifact-", ".tmp");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(temporary))) {
            entry(zip, CheckpointFiles.PARAMETERS, Files.readAllBytes(CheckpointFiles.parameters(checkpointDir)));
            entry(zip, CheckpointFiles.MANIFEST, Files.readAllBytes(CheckpointFiles.manifest(checkpointDir)));
            entry(zip, SPEC, spec);
            entry(zip, DESCRIPTION, EventCodec.toBytes(description));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return description;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Opens an artifact for prediction; fails when it is incomplete or its parameters do not match the digest. */
    public static ModelArtifact open(Path file, int threads) throws IOException {
        Path dir = Files.createTempDirectory("streamtrain-model");
        try {
            try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    String name = entry.getName();
                    if (!name.equals(CheckpointFiles.PARAMETERS) && !name.equals(CheckpointFiles.MANIFEST)
                            && !name.equals(SPEC) && !name.equals(DESCRIPTION)) {
                        continue;
                    }
                    copy(zip, dir.resolve(name));
                }
            }
            for (String name : new String[] {CheckpointFiles.PARAMETERS, CheckpointFiles.MANIFEST, SPEC, DESCRIPTION}) {
                if (!Files.isRegularFile(dir.resolve(name))) {
                    throw new IOException(file + " is not a StreamTrain model artifact: it has no " + name);
                }
            }
            Description description = EventCodec.fromBytes(Files.readAllBytes(dir.resolve(DESCRIPTION)),
                    Description.class);
            PipelineSpec spec = SpecLoader.load(dir.resolve(SPEC));
            InferenceModel model = InferenceModel.load(spec, dir, description.parametersSha256(), threads);
            return new ModelArtifact(dir, description, spec, model);
        } catch (IOException | RuntimeException e) {
            CheckpointWriter.deleteTree(dir);
            throw e instanceof IOException io ? io : new IOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    private static void copy(InputStream in, Path target) throws IOException {
        try (OutputStream out = Files.newOutputStream(target)) {
            in.transferTo(out);
        }
    }

    public Description description() {
        return description;
    }

    public PipelineSpec spec() {
        return spec;
    }

    public Predictor predictor() {
        return new Predictor(spec, model);
    }

    @Override
    public void close() throws IOException {
        model.close();
        CheckpointWriter.deleteTree(dir);
    }
}
