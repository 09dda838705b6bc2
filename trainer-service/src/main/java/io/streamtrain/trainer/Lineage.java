package io.streamtrain.trainer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The batches a model was trained on, in order, as a count and a SHA-256 chained over the batch ids
 * ({@code h(n) = SHA-256(h(n-1) || id(n))}); restored from a checkpoint, it continues the same chain.
 */
final class Lineage {

    private long count;
    private byte[] digest;

    Lineage(long count, String sha256) {
        this.count = count;
        this.digest = sha256 == null ? new byte[32] : HexFormat.of().parseHex(sha256);
    }

    void add(String batchId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(digest);
            sha.update(batchId.getBytes(StandardCharsets.UTF_8));
            digest = sha.digest();
            count++;
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
}
