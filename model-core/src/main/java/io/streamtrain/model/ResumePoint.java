package io.streamtrain.model;

import java.util.List;
import java.util.Map;

/**
 * Where training continues from a checkpoint: the epoch, step and samples so far, the next offset to read per
 * partition of the train batch topic (a partition without one is read from the start of the segment), the
 * partitions that already delivered this epoch's end-of-data marker, whether the segment is complete, and the
 * lineage so far (the number of batches trained and a SHA-256 chained over their ids in training order). A group
 * of trainers also saves the sync round the checkpoint was written after, the members of that round (whom the next
 * round waits for) and the sync topic offset where later rounds begin (0, empty and 0 for a single trainer).
 *
 * <p>A segment is the data between two end-of-data markers: {@code segment} counts them from 1, and
 * {@code segmentStart} is the offset per partition where the current one begins (where each epoch of it starts;
 * empty: the beginning of the topic). Checkpoints written before segments existed read as segment 1 from the
 * beginning.
 */
public record ResumePoint(int epoch, long step, long samples, Map<Integer, Long> offsets, List<Integer> finished,
                          boolean complete, long lineageCount, String lineageSha256, long syncRound,
                          List<String> syncMembers, long syncOffset, int segment, Map<Integer, Long> segmentStart) {

    public ResumePoint {
        segment = Math.max(1, segment);
        segmentStart = segmentStart == null ? Map.of() : Map.copyOf(segmentStart);
    }

    /** Where a member of a group continues (the first segment). */
    public ResumePoint(int epoch, long step, long samples, Map<Integer, Long> offsets, List<Integer> finished,
                       boolean complete, long lineageCount, String lineageSha256, long syncRound,
                       List<String> syncMembers, long syncOffset) {
        this(epoch, step, samples, offsets, finished, complete, lineageCount, lineageSha256, syncRound, syncMembers,
                syncOffset, 1, Map.of());
    }

    /** Where a single trainer continues in the first segment. */
    public ResumePoint(int epoch, long step, long samples, Map<Integer, Long> offsets, List<Integer> finished,
                       boolean complete, long lineageCount, String lineageSha256) {
        this(epoch, step, samples, offsets, finished, complete, lineageCount, lineageSha256, 0, List.of(), 0);
    }
}
