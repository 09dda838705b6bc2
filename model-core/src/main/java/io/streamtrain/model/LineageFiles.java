package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The lineage files of a checkpoint: the batches its parameters were trained on, one {@code epoch batchId} line
 * each, in training order, split into segment files under {@code lineage/}, each named by the index of its first
 * line (20 digits, so name order is line order: {@code cat lineage/*} prints the whole lineage).
 *
 * <p>A checkpoint shares the segments of the checkpoint it continues (as hard links, a copy where the file system
 * has none) and adds one segment for the lines trained since. A new segment at least as long as the one before it
 * is merged with it, repeatedly, into a new file, so segment lengths fall from first to last: a checkpoint holds
 * at most about log2(lines) segments, and over a run each line is copied about log2(lines) times. A checkpoint
 * therefore costs the lines since the last one, not the whole history, and the trainer keeps only those lines in
 * memory. Checkpoints written before segments existed hold one {@code lineage.txt}, read as a single segment.
 */
public final class LineageFiles {

    /** The directory of segment files inside a checkpoint. */
    public static final String DIR = "lineage";
    private static final String SUFFIX = ".txt";

    private LineageFiles() {
    }

    /** One segment of a lineage: the index of its first line and its file. */
    record Segment(long first, Path file) {
    }

    /**
     * Writes into {@code checkpoint} (a directory being written) the lineage of {@code base} (a checkpoint holding
     * the first {@code baseCount} lines; null when there are none before) followed by {@code lines} (UTF-8, each
     * ending in a newline, {@code lineCount} of them).
     */
    public static void write(Path checkpoint, Path base, long baseCount, byte[] lines, long lineCount)
            throws IOException {
        List<Part> parts = new ArrayList<>();
        if (base != null) {
            List<Segment> shared = segments(base);
            for (int i = 0; i < shared.size(); i++) {
                long end = i + 1 < shared.size() ? shared.get(i + 1).first() : baseCount;
                parts.add(new Part(shared.get(i).first(), end - shared.get(i).first(), List.of(shared.get(i).file()),
                        null));
            }
        }
        if (lineCount > 0) {
            parts.add(new Part(baseCount, lineCount, List.of(), lines));
        }
        while (parts.size() >= 2 && parts.get(parts.size() - 1).lines() >= parts.get(parts.size() - 2).lines()) {
            Part last = parts.remove(parts.size() - 1);
            Part previous = parts.remove(parts.size() - 1);
            parts.add(previous.followedBy(last));
        }
        Path dir = checkpoint.resolve(DIR);
        Files.createDirectories(dir);
        for (Part part : parts) {
            part.writeTo(dir.resolve(String.format("%020d%s", part.first(), SUFFIX)));
        }
    }

    /** The segments of a checkpoint's lineage in order; empty when it has none. */
    static List<Segment> segments(Path checkpoint) throws IOException {
        Path dir = checkpoint.resolve(DIR);
        if (!Files.isDirectory(dir)) {
            Path single = checkpoint.resolve(CheckpointFiles.LINEAGE);
            return Files.isRegularFile(single) ? List.of(new Segment(0, single)) : List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .map(f -> {
                        String name = f.getFileName().toString();
                        return new Segment(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())), f);
                    })
                    .toList();
        }
    }

    /** A checkpoint directory and the number of lineage lines it holds. */
    public record Stored(Path checkpoint, long lineCount) {
    }

    /**
     * The checkpoint under {@code pipelineDir} holding the most lineage lines within {@code [atLeast, atMost]},
     * if any (checkpoints being written, unreadable ones and ones without a lineage are passed over).
     */
    public static Optional<Stored> newestWithin(Path pipelineDir, long atLeast, long atMost) throws IOException {
        if (!Files.isDirectory(pipelineDir)) {
            return Optional.empty();
        }
        Stored best = null;
        try (Stream<Path> dirs = Files.list(pipelineDir)) {
            for (Path dir : dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList()) {
                try {
                    CheckpointManifest manifest = EventCodec.fromBytes(
                            Files.readAllBytes(CheckpointFiles.manifest(dir)), CheckpointManifest.class);
                    long lines = manifest.resume() == null ? -1 : manifest.resume().lineageCount();
                    if (lines >= atLeast && lines <= atMost && exists(dir)
                            && (best == null || lines > best.lineCount())) {
                        best = new Stored(dir, lines);
                    }
                } catch (IOException | RuntimeException e) {
                    // Not a complete checkpoint: not a candidate.
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Whether the checkpoint holds a lineage (segments, or the single file of older checkpoints). */
    public static boolean exists(Path checkpoint) {
        try {
            return !segments(checkpoint).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Every line of the checkpoint's lineage, in order. */
    public static List<String> readLines(Path checkpoint) throws IOException {
        List<String> lines = new ArrayList<>();
        for (Segment segment : segments(checkpoint)) {
            lines.addAll(Files.readAllLines(segment.file(), StandardCharsets.UTF_8));
        }
        return lines;
    }

    /**
     * A segment to be written: {@code lines} lines from index {@code first}, made of whole files of the base
     * checkpoint followed by new lines (null: none).
     */
    private record Part(long first, long lines, List<Path> files, byte[] newLines) {

        Part followedBy(Part next) {
            if (newLines != null) {
                throw new IllegalStateException("new lines are always the last part");
            }
            List<Path> all = new ArrayList<>(files);
            all.addAll(next.files());
            return new Part(first, lines + next.lines(), all, next.newLines());
        }

        void writeTo(Path target) throws IOException {
            if (files.size() == 1 && newLines == null && link(files.get(0), target)) {
                return;
            }
            try (OutputStream out = Files.newOutputStream(target)) {
                for (Path file : files) {
                    Files.copy(file, out);
                }
                if (newLines != null) {
                    out.write(newLines);
                }
            }
        }

        /** Shares an unchanged segment with the base checkpoint; false where the file system cannot. */
        private static boolean link(Path existing, Path target) {
            try {
                Files.createLink(target, existing);
                return true;
            } catch (IOException | UnsupportedOperationException e) {
                return false;
            }
        }
    }
}
