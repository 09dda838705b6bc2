package io.streamtrain.trainer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The batches a model was trained on, in order: a count, a SHA-256 chained over the batch ids
 * ({@code h(n) = SHA-256(h(n-1) || id(n))}), and the list of {@code epoch batchId} lines that a checkpoint stores
 * as {@code lineage.txt} (so that anyone can check that each batch was trained once per epoch). Restored from a
 * checkpoint, it continues the same chain and list.
 */
final class Lineage {

    private long count;
    private byte[] digest;
    private final StringBuilder lines = new StringBuilder();

    Lineage(long count, String sha256) {
        this.count = count;
        this.digest = sha256 == null ? new byte[32] : HexFormat.of().parseHex(sha256);
    }

    /** Restored from a checkpoint: its count and digest, and its {@code lineage.txt} (empty when absent). */
    Lineage(long count, String sha256, String savedLines) {
        this(count, sha256);
        lines.append(savedLines);
    }

    void add(int epoch, String batchId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(digest);
            sha.update(batchId.getBytes(StandardCharsets.UTF_8));
            digest = sha.digest();
            count++;
            lines.append(epoch).append(' ').append(batchId).append('\n');
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    long count() {
        return count;
    }

    String sha256() {
        return HexFormat.of().formatHex(digest);
    }

    /** The {@code lineage.txt} content: one {@code epoch batchId} line per batch, in training order. */
    byte[] file() {
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }
}
