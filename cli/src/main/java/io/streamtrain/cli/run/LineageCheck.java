package io.streamtrain.cli.run;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.model.LineageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a final checkpoint's lineage against the train batches that were published. In: the checkpoint's
 * lineage files ({@link LineageFiles}: one {@code epoch batchId} line per batch trained, in order) and the
 * published batch ids.
 * Out: {@link RunReport.Lineage}: batches trained, duplicated (epoch, batch) pairs, and published batches missing
 * from an epoch the run finished (the last epoch counts only when training completed all of it).
 */
final class LineageCheck {

    private LineageCheck() {
    }

    static RunReport.Lineage of(CheckpointEvent last, List<String> published) {
        Path checkpoint = Path.of(last.path());
        if (!LineageFiles.exists(checkpoint)) {
            return null;
        }
        try {
            return count(LineageFiles.readLines(checkpoint), published, last.stopReason() != null
                    && last.stopReason().startsWith("completed"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RunReport.Lineage count(List<String> lines, List<String> published, boolean lastEpochComplete) {
        Set<String> seen = new HashSet<>();
        TreeSet<Integer> epochs = new TreeSet<>();
        long batches = 0;
        long duplicates = 0;
        for (String line : lines) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            batches++;
            epochs.add(Integer.parseInt(line.substring(0, space)));
            if (!seen.add(line)) {
                duplicates++;
            }
        }
        long missing = 0;
        Set<String> distinctPublished = new HashSet<>(published);
        for (int epoch : epochs) {
            if (epoch == epochs.last() && !lastEpochComplete) {
                continue;
            }
            for (String id : distinctPublished) {
                if (!seen.contains(epoch + " " + id)) {
                    missing++;
                }
            }
        }
        return new RunReport.Lineage(batches, duplicates, missing);
    }
}
