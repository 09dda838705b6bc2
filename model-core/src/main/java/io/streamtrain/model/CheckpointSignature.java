package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The trainer's signature of a checkpoint, {@code signature.json} in its directory, so that the evaluator can
 * refuse checkpoints nobody with the trainers' key wrote. In: a checkpoint directory and a key
 * ({@link ArtifactKeys}). Out: the signature file, or a verdict on it. What is signed is what the evaluator relies
 * on: the pipeline, the checkpoint id, the SHA-256 of the parameter file and the normalization statistics; the
 * resume point, which a trainer may rewrite later, is not.
 */
public final class CheckpointSignature {

    public static final String FILE = "signature.json";

    private CheckpointSignature() {
    }

    /** Signs the checkpoint in {@code dir}, whose manifest and parameters are written. */
    public static void sign(Path dir, ArtifactKeys.Signer signer) throws IOException {
        byte[] digest = digest(dir);
        Files.write(dir.resolve(FILE), EventCodec.toBytes(new ModelArtifact.SignatureFile(signer.algorithm(),
                HexFormat.of().formatHex(digest), Base64.getEncoder().encodeToString(signer.sign(digest)))));
    }

    /** Fails unless the checkpoint carries a signature that {@code verifier} accepts for it as it is now. */
    public static void verify(Path dir, ArtifactKeys.Verifier verifier) throws IOException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("checkpoint " + dir.getFileName() + " is not signed, and signatures are required");
        }
        ModelArtifact.SignatureFile signature = EventCodec.fromBytes(Files.readAllBytes(file),
                ModelArtifact.SignatureFile.class);
        byte[] digest = digest(dir);
        if (!HexFormat.of().formatHex(digest).equals(signature.contentSha256())
                || !verifier.verify(signature.algorithm(), digest, Base64.getDecoder().decode(signature.signature()))) {
            throw new IOException("checkpoint " + dir.getFileName() + " has a signature that does not verify: it was"
                    + " changed after signing, or not signed with the trainers' key");
        }
    }

    private static byte[] digest(Path dir) throws IOException {
        CheckpointManifest manifest = EventCodec.fromBytes(Files.readAllBytes(CheckpointFiles.manifest(dir)),
                CheckpointManifest.class);
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {manifest.pipeline(), manifest.checkpointId(),
                    CheckpointFiles.sha256(CheckpointFiles.parameters(dir)), EventCodec.toJson(manifest.stats())}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(bytes.length).array());
                sha.update(bytes);
            }
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
