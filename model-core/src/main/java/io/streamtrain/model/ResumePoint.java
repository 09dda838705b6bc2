package io.streamtrain.model;

import java.util.List;
import java.util.Map;

/**
 * Where training continues from a checkpoint: the epoch, step and samples so far, the next offset to read per
 * partition of the train batch topic (a partition without one is read from the beginning), the partitions that
 * already delivered this epoch's end-of-data marker, whether the run is complete, and the lineage so far (the
 * number of batches trained and a SHA-256 chained over their ids in training order). A group of trainers also
 * saves the sync round the checkpoint was written after, the members of that round (whom the next round waits
 * for) and the sync topic offset where later rounds begin (0, empty and 0 for a single trainer).
 */
public record ResumePoint(int epoch, long step, long samples, Map<Integer, Long> offsets, List<Integer> finished,
                          boolean complete, long lineageCount, String lineageSha256, long syncRound,
                          List<String> syncMembers, long syncOffset) {

    /** Where a single trainer continues. */
    public ResumePoint(int epoch, long step, long samples, Map<Integer, Long> offsets, List<Integer> finished,
                       boolean complete, long lineageCount, String lineageSha256) {
        this(epoch, step, samples, offsets, finished, complete, lineageCount, lineageSha256, 0, List.of(), 0);
    }
}
