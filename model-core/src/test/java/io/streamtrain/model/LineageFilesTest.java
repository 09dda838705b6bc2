package io.streamtrain.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.SchemaVersion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chain of checkpoints each adding lines reads back every line in order, shares unchanged segments with the
 * checkpoint before, keeps few segments, and stays whole when the earlier checkpoints are deleted.
 */
class LineageFilesTest {

    @TempDir
    Path dir;

    private final List<String> all = new ArrayList<>();

    /** Writes checkpoint {@code name} continuing {@code base} (holding every line so far but {@code added}). */
    private Path checkpoint(String name, Path base, int added) throws IOException {
        StringBuilder lines = new StringBuilder();
        long baseCount = all.size();
        for (int i = 0; i < added; i++) {
            String line = (1 + all.size() / 50) + " batch-" + all.size();
            all.add(line);
            lines.append(line).append('\n');
        }
        Path checkpoint = Files.createDirectories(dir.resolve(name));
        LineageFiles.write(checkpoint, base, baseCount, lines.toString().getBytes(StandardCharsets.UTF_8), added);
        return checkpoint;
    }

    @Test
    void aChainOfCheckpointsReadsBackEveryLineInOrderWithFewSegments() throws IOException {
        Random random = new Random(7);
        Path previous = null;
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // Some checkpoints add nothing (a final checkpoint at the step of the last one).
            previous = checkpoint(String.format("c%03d", i), previous, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(40));
            written.add(previous);
            assertThat(LineageFiles.readLines(previous)).containsExactlyElementsOf(all);
        }
        // Segment lengths fall from first to last, so there are at most log2(lines) + 1 of them.
        int limit = 1 + (int) Math.floor(Math.log(all.size()) / Math.log(2));
        assertThat(LineageFiles.segments(previous)).hasSizeLessThanOrEqualTo(limit);
        // Deleting every earlier checkpoint (retention) leaves the last one whole.
        for (Path old : written.subList(0, written.size() - 1)) {
            CheckpointWriter.deleteTree(old);
        }
        assertThat(LineageFiles.readLines(previous)).containsExactlyElementsOf(all);
    }

    @Test
    void anUnchangedSegmentIsSharedWithTheCheckpointBefore() throws IOException {
        Path first = checkpoint("first", null, 64);
        Path second = checkpoint("second", first, 3);
        List<LineageFiles.Segment> before = LineageFiles.segments(first);
        List<LineageFiles.Segment> after = LineageFiles.segments(second);
        assertThat(after).hasSize(2);
        assertThat(after.get(0).first()).isZero();
        assertThat(after.get(1).first()).isEqualTo(64);
        assertThat(Files.isSameFile(after.get(0).file(), before.get(0).file())).isTrue();
        // Growing the new part past the one before merges them into a new file; the first checkpoint is unchanged.
        Path third = checkpoint("third", second, 70);
        assertThat(LineageFiles.segments(third)).hasSize(1);
        assertThat(LineageFiles.readLines(first)).containsExactlyElementsOf(all.subList(0, 64));
        assertThat(LineageFiles.readLines(third)).containsExactlyElementsOf(all);
    }

    @Test
    void aSingleLineageFileOfAnOlderCheckpointIsContinued() throws IOException {
        Path old = Files.createDirectories(dir.resolve("old"));
        Files.writeString(old.resolve(CheckpointFiles.LINEAGE), "1 a\n1 b\n");
        all.addAll(List.of("1 a", "1 b"));
        assertThat(LineageFiles.exists(old)).isTrue();
        Path next = checkpoint("next", old, 5);
        assertThat(LineageFiles.readLines(next)).containsExactlyElementsOf(all);
        assertThat(LineageFiles.exists(dir.resolve("none"))).isFalse();
    }

    @Test
    void newestWithinFindsTheCheckpointHoldingTheMostLinesInTheRange() throws IOException {
        Path pipeline = Files.createDirectories(dir.resolve("pipeline"));
        for (long lines : new long[] {10, 20, 30}) {
            Path checkpoint = Files.createDirectories(pipeline.resolve("e001-s" + lines));
            Files.writeString(checkpoint.resolve(CheckpointFiles.LINEAGE), "1 x\n".repeat((int) lines));
            Files.write(CheckpointFiles.manifest(checkpoint), EventCodec.toBytes(new CheckpointManifest(
                    SchemaVersion.CURRENT, "pipeline", "e001-s" + lines, 1, lines, lines, "spec", "sha", null, 0,
                    new ResumePoint(1, lines, lines, Map.of(), List.of(), false, lines, "chain"))));
        }
        Files.createDirectories(pipeline.resolve(".tmp-e001-s40-1"));
        assertThat(LineageFiles.newestWithin(pipeline, 15, 25)).get()
                .isEqualTo(new LineageFiles.Stored(pipeline.resolve("e001-s20"), 20));
        assertThat(LineageFiles.newestWithin(pipeline, 5, 100).get().lineCount()).isEqualTo(30);
        assertThat(LineageFiles.newestWithin(pipeline, 31, 100)).isEmpty();
        assertThat(LineageFiles.newestWithin(dir.resolve("absent"), 0, 100)).isEmpty();
    }
}
