package io.streamtrain.trainer;

import io.streamtrain.model.LineageFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The batches a model was trained on, in order: a count, a SHA-256 chained over the batch ids
 * ({@code h(n) = SHA-256(h(n-1) || id(n))}), and the {@code epoch batchId} lines that a checkpoint stores
 * ({@link LineageFiles}), so that anyone can check that each batch was trained once per epoch. Restored from a
 * checkpoint, it continues the same chain and lines.
 *
 * <p>Only the lines since the checkpoint it was last written into (or restored from) are held in memory; that
 * checkpoint holds the ones before, and the next checkpoint shares them. A long continuous run therefore neither
 * grows the trainer's heap nor makes each checkpoint write the whole history.
 */
final class Lineage {

    private long count;
    private byte[] digest;
    private final MessageDigest sha;
    /** The checkpoint that holds lines {@code [0, baseCount)}; null when none does. */
    private Path base;
    private long baseCount;
    /** Lines {@code [baseCount, count)}, UTF-8. */
    private ByteArrayOutputStream unwritten = new ByteArrayOutputStream();

    /** A chain at {@code count} batches whose lines are nowhere (a new run: 0 and null). */
    Lineage(long count, String sha256) {
        this(count, sha256, null);
    }

    /** Restored from {@code checkpoint} (null: none), which holds the lines of the first {@code count} batches. */
    Lineage(long count, String sha256, Path checkpoint) {
        this.count = count;
        this.digest = sha256 == null ? new byte[32] : HexFormat.of().parseHex(sha256);
        this.base = checkpoint != null && LineageFiles.exists(checkpoint) ? checkpoint : null;
        this.baseCount = count;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void add(int epoch, String batchId) {
        sha.update(digest);
        sha.update(batchId.getBytes(StandardCharsets.UTF_8));
        digest = sha.digest();
        count++;
        unwritten.writeBytes((epoch + " " + batchId + "\n").getBytes(StandardCharsets.UTF_8));
    }

    long count() {
        return count;
    }

    String sha256() {
        return HexFormat.of().formatHex(digest);
    }

    /** The lines not yet in a checkpoint this lineage was written into or restored from. */
    String unwrittenLines() {
        return unwritten.toString(StandardCharsets.UTF_8);
    }

    /**
     * Writes the whole lineage into {@code checkpoint}, a directory being written. When the checkpoint holding the
     * earlier lines is gone (in a group, another trainer's retention may delete it), the newest one of the
     * pipeline that holds at least those lines and at most all of them takes its place.
     */
    void writeInto(Path checkpoint) throws IOException {
        Path from = base;
        long fromCount = baseCount;
        if (base != null && !Files.isDirectory(base)) {
            Optional<LineageFiles.Stored> replacement = LineageFiles.newestWithin(base.getParent(), baseCount, count);
            if (replacement.isEmpty()) {
                throw new IOException("the checkpoint holding the first " + baseCount + " lines of the lineage ("
                        + base.getFileName() + ") is gone, and no other checkpoint holds them");
            }
            from = replacement.get().checkpoint();
            fromCount = replacement.get().lineCount();
        }
        byte[] lines = unwritten.toByteArray();
        int skip = lineStart(lines, fromCount - baseCount);
        LineageFiles.write(checkpoint, from, fromCount, skip == 0 ? lines : Arrays.copyOfRange(lines, skip,
                lines.length), count - fromCount);
    }

    /** The lineage is now held by {@code checkpoint}: the lines in memory are given up. */
    void writtenInto(Path checkpoint) {
        base = checkpoint;
        baseCount = count;
        unwritten = new ByteArrayOutputStream();
    }

    /** The byte index where line {@code index} starts. */
    private static int lineStart(byte[] lines, long index) {
        int at = 0;
        for (long line = 0; line < index; line++) {
            while (lines[at] != '\n') {
                at++;
            }
            at++;
        }
        return at;
    }
}
