package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A promoted model as one self-contained file (a zip): the parameters ({@code model-0000.params}), the checkpoint
 * manifest with the normalization statistics ({@code manifest.json}), the pipeline spec as it was
 * ({@code pipeline.yaml}) and {@code artifact.json} (pipeline, checkpoint, parameter digest, spec hash). Enough to
 * predict without Kafka or the checkpoint directory. Opening checks the parameters against the recorded digest.
 *
 * <p>An artifact can be signed ({@link ArtifactKeys}: Ed25519 or HMAC-SHA256): {@code signature.json} holds the
 * algorithm and the signature of the SHA-256 of those four entries (each name, a zero byte, its length and its
 * bytes, in that order). Opened with a verifier, an artifact that is unsigned, or whose signature does not verify
 * or no longer matches its entries, is refused.
 */
public final class ModelArtifact implements AutoCloseable {

    static final String SPEC = "pipeline.yaml";
    static final String DESCRIPTION = "artifact.json";
    static final String SIGNATURE = "signature.json";
    private static final String[] SIGNED = {CheckpointFiles.PARAMETERS, CheckpointFiles.MANIFEST, SPEC, DESCRIPTION};

    /** How an artifact is signed: the algorithm, the SHA-256 of its signed entries, the signature (Base64). */
    public record SignatureFile(String algorithm, String contentSha256, String signature) {
    }

    /** What the artifact holds. */
    public record Description(int schemaVersion, String pipeline, String checkpointId, String parametersSha256,
                              String specHash, long exportedAt) {
    }

    private final Path dir;
    private final Description description;
    private final PipelineSpec spec;
    private final InferenceModel model;
    private final String verifiedWith;

    private ModelArtifact(Path dir, Description description, PipelineSpec spec, InferenceModel model,
                          String verifiedWith) {
        this.dir = dir;
        this.description = description;
        this.spec = spec;
        this.model = model;
        this.verifiedWith = verifiedWith;
    }

    /**
     * Writes the checkpoint in {@code checkpointDir} with the spec file's bytes to {@code target} (atomically);
     * fails when the parameters do not match {@code expectedSha256}.
     */
    public static Description export(Path checkpointDir, String expectedSha256, byte[] spec, Path target)
            throws IOException {
        return export(checkpointDir, expectedSha256, spec, target, null);
    }

    /** The same, signed with {@code signer} (unsigned when it is null). */
    public static Description export(Path checkpointDir, String expectedSha256, byte[] spec, Path target,
                                     ArtifactKeys.Signer signer) throws IOException {
        String actual = CheckpointFiles.sha256(CheckpointFiles.parameters(checkpointDir));
        if (!actual.equals(expectedSha256)) {
            throw new IOException("checkpoint " + checkpointDir + " has SHA-256 " + actual + ", not " + expectedSha256);
        }
        CheckpointManifest manifest = EventCodec.fromBytes(Files.readAllBytes(CheckpointFiles.manifest(checkpointDir)),
                CheckpointManifest.class);
        PipelineSpec parsed = SpecLoader.parse(new String(spec, StandardCharsets.UTF_8));
        Description description = new Description(1, manifest.pipeline(), manifest.checkpointId(), actual,
                parsed.hash(), System.currentTimeMillis());
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(CheckpointFiles.PARAMETERS, Files.readAllBytes(CheckpointFiles.parameters(checkpointDir)));
        entries.put(CheckpointFiles.MANIFEST, Files.readAllBytes(CheckpointFiles.manifest(checkpointDir)));
        entries.put(SPEC, spec);
        entries.put(DESCRIPTION, EventCodec.toBytes(description));
        write(entries, signer, target);
        return description;
    }

    /** Signs an existing artifact in place (replacing any earlier signature). */
    public static void sign(Path artifact, ArtifactKeys.Signer signer) throws IOException {
        write(read(artifact), signer, artifact);
    }

    private static void write(Map<String, byte[]> entries, ArtifactKeys.Signer signer, Path target)
            throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temporary = Files.createTempFile(parent, ".artifact-", ".tmp");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(temporary))) {
            for (String name : SIGNED) {
                entry(zip, name, entries.get(name));
            }
            if (signer != null) {
                byte[] digest = contentDigest(entries);
                entry(zip, SIGNATURE, EventCodec.toBytes(new SignatureFile(signer.algorithm(),
                        java.util.HexFormat.of().formatHex(digest),
                        java.util.Base64.getEncoder().encodeToString(signer.sign(digest)))));
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The entries of an artifact file that it is made of (others are ignored). */
    private static Map<String, byte[]> read(Path file) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName();
                if (java.util.Arrays.asList(SIGNED).contains(name) || name.equals(SIGNATURE)) {
                    entries.put(name, zip.readAllBytes());
                }
            }
        }
        for (String name : SIGNED) {
            if (!entries.containsKey(name)) {
                throw new IOException(file + " is not a StreamTrain model artifact: it has no " + name);
            }
        }
        return entries;
    }

    /** The SHA-256 of the signed entries: each name, a zero byte, its length (8 bytes) and its bytes. */
    static byte[] contentDigest(Map<String, byte[]> entries) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            for (String name : SIGNED) {
                byte[] bytes = entries.get(name);
                sha.update(name.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
                sha.update(bytes);
            }
            return sha.digest();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Fails unless the artifact carries a signature that {@code verifier} accepts for its entries as they are;
     * returns the signature's algorithm.
     */
    private static String verify(Path file, Map<String, byte[]> entries, ArtifactKeys.Verifier verifier)
            throws IOException {
        byte[] signatureFile = entries.get(SIGNATURE);
        if (signatureFile == null) {
            throw new IOException(file + " is not signed, and verification is required");
        }
        SignatureFile signature = EventCodec.fromBytes(signatureFile, SignatureFile.class);
        byte[] digest = contentDigest(entries);
        if (!java.util.HexFormat.of().formatHex(digest).equals(signature.contentSha256())
                || !verifier.verify(signature.algorithm(), digest, java.util.Base64.getDecoder()
                        .decode(signature.signature()))) {
            throw new IOException(file + " has a signature (" + signature.algorithm() + ") that does not verify with"
                    + " the given key: it was changed after signing, or signed with another key");
        }
        return signature.algorithm();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    /** Opens an artifact for prediction; fails when it is incomplete or its parameters do not match the digest. */
    public static ModelArtifact open(Path file, int threads) throws IOException {
        return open(file, threads, null);
    }

    /**
     * The same; with a {@code verifier}, an artifact that is not signed or whose signature does not verify is
     * refused before anything of it is loaded.
     */
    public static ModelArtifact open(Path file, int threads, ArtifactKeys.Verifier verifier) throws IOException {
        Path dir = Files.createTempDirectory("streamtrain-model");
        try {
            Map<String, byte[]> entries = read(file);
            String verifiedWith = verifier == null ? null : verify(file, entries, verifier);
            for (String name : SIGNED) {
                Files.write(dir.resolve(name), entries.get(name));
            }
            Description description = EventCodec.fromBytes(entries.get(DESCRIPTION), Description.class);
            PipelineSpec spec = SpecLoader.load(dir.resolve(SPEC));
            InferenceModel model = InferenceModel.load(spec, dir, description.parametersSha256(), threads);
            return new ModelArtifact(dir, description, spec, model, verifiedWith);
        } catch (IOException | RuntimeException e) {
            CheckpointWriter.deleteTree(dir);
            throw e instanceof IOException io ? io : new IOException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    /** The algorithm of the signature that was verified when the artifact was opened, or null. */
    public String verifiedWith() {
        return verifiedWith;
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
