package io.streamtrain.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The files of a checkpoint directory: the parameters (DJL format), the JSON manifest and the lineage
 * ({@link LineageFiles}).
 */
public final class CheckpointFiles {

    public static final String MODEL_NAME = "model";
    public static final String PARAMETERS = "model-0000.params";
    public static final String MANIFEST = "manifest.json";
    /**
     * The lineage of checkpoints written before {@link LineageFiles}' segments: one {@code epoch batchId} line per
     * batch, in training order, in a single file.
     */
    public static final String LINEAGE = "lineage.txt";

    private CheckpointFiles() {
    }

    public static Path parameters(Path dir) {
        return dir.resolve(PARAMETERS);
    }

    public static Path manifest(Path dir) {
        return dir.resolve(MANIFEST);
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
