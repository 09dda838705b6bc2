package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.model.CheckpointFiles;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.LineageFiles;
import io.streamtrain.model.ResumePoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lineage written into checkpoint after checkpoint holds only the lines since the last one, yet every checkpoint
 * holds all of them; restored, it continues the same chain; and in a group, where the checkpoint it continued may
 * be deleted by another trainer, it continues from a newer one.
 */
class LineageTest {

    @TempDir
    Path dir;

    private final List<String> expected = new ArrayList<>();

    private void train(Lineage lineage, int epoch, int batches) {
        for (int i = 0; i < batches; i++) {
            String id = "b" + expected.size();
            lineage.add(epoch, id);
            expected.add(epoch + " " + id);
        }
    }

    /** Writes a checkpoint directory (lineage and a manifest with its line count) and hands the lineage to it. */
    private Path checkpoint(Lineage lineage, String id) throws IOException {
        Path checkpoint = Files.createDirectories(dir.resolve("pipeline").resolve(id));
        lineage.writeInto(checkpoint);
        Files.write(CheckpointFiles.manifest(checkpoint), EventCodec.toBytes(new CheckpointManifest(
                SchemaVersion.CURRENT, "pipeline", id, 1, lineage.count(), lineage.count(), "spec", "sha", null, 0,
                new ResumePoint(1, lineage.count(), lineage.count(), Map.of(), List.of(), false, lineage.count(),
                        lineage.sha256()))));
        lineage.writtenInto(checkpoint);
        return checkpoint;
    }

    @Test
    void eachCheckpointHoldsTheWholeLineageWhileMemoryHoldsOnlyTheNewLines() throws IOException {
        Lineage lineage = new Lineage(0, null);
        train(lineage, 1, 5);
        Path first = checkpoint(lineage, "e001-s5");
        assertThat(lineage.unwrittenLines()).isEmpty();
        train(lineage, 1, 3);
        assertThat(lineage.unwrittenLines()).isEqualTo("1 b5\n1 b6\n1 b7\n");
        Path second = checkpoint(lineage, "e001-s8");
        assertThat(LineageFiles.readLines(first)).containsExactlyElementsOf(expected.subList(0, 5));
        assertThat(LineageFiles.readLines(second)).containsExactlyElementsOf(expected);

        // Restored from the second checkpoint: the same chain and lines continue.
        Lineage restored = new Lineage(lineage.count(), lineage.sha256(), second);
        Lineage straight = new Lineage(0, null);
        expected.forEach(line -> straight.add(Integer.parseInt(line.split(" ")[0]), line.split(" ")[1]));
        train(restored, 2, 4);
        for (String line : expected.subList(8, 12)) {
            straight.add(2, line.split(" ")[1]);
        }
        assertThat(restored.sha256()).isEqualTo(straight.sha256());
        assertThat(restored.count()).isEqualTo(12);
        Path third = checkpoint(restored, "e002-s12");
        assertThat(LineageFiles.readLines(third)).containsExactlyElementsOf(expected);
    }

    @Test
    void whenTheCheckpointItContinuedIsGoneANewerOneOfThePipelineTakesItsPlace() throws IOException {
        // Two trainers of a group hold the same lineage; "mine" wrote the first checkpoint, "other" the next one.
        Lineage mine = new Lineage(0, null);
        Lineage other = new Lineage(0, null);
        train(4, mine, other);
        Path mineWrote = checkpoint(mine, "e001-s4");
        train(3, mine, other);
        checkpoint(other, "e001-s7");
        // Retention (the other trainer's) deletes the checkpoint "mine" continued.
        delete(mineWrote);
        train(2, mine, other);
        Path next = checkpoint(mine, "e001-s9");
        assertThat(LineageFiles.readLines(next)).containsExactlyElementsOf(expected);

        // With no checkpoint holding its earlier lines, writing fails instead of writing a partial lineage.
        Lineage stranded = new Lineage(0, null);
        train(1, stranded);
        Path lone = checkpoint(stranded, "e009-s1");
        delete(lone);
        train(1, stranded);
        assertThatThrownBy(() -> stranded.writeInto(Files.createDirectories(dir.resolve("elsewhere"))))
                .hasMessageContaining("is gone");
    }

    /** The same batches (epoch 1) trained by every one of {@code lineages}. */
    private void train(int batches, Lineage... lineages) {
        for (int i = 0; i < batches; i++) {
            String id = "b" + expected.size();
            for (Lineage lineage : lineages) {
                lineage.add(1, id);
            }
            expected.add("1 " + id);
        }
    }

    private static void delete(Path tree) throws IOException {
        try (var paths = Files.walk(tree)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
