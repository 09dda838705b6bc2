package io.streamtrain.evaluator;

import io.streamtrain.pipeline.batch.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A bounded, uniform sample of validation batches. In: every batch, in topic order. Out: all of them while they fit
 * in {@code capacityRows}; beyond that a reservoir sample (Vitter's algorithm R over batches: the n-th batch
 * replaces a random kept one with probability kept / n), so the held-out rows stay representative of the whole
 * stream, not just its beginning. Seeded, so a restart that reads the same topic keeps the same sample.
 */
final class BatchReservoir {

    private final long capacityRows;
    private final SplittableRandom random;
    private final List<Batch> kept = new ArrayList<>();
    private long rows;
    private long seen;

    BatchReservoir(long capacityRows, long seed) {
        this.capacityRows = capacityRows;
        this.random = new SplittableRandom(seed);
    }

    void offer(Batch batch) {
        seen++;
        if (rows + batch.rows() <= capacityRows) {
            kept.add(batch);
            rows += batch.rows();
            return;
        }
        if (kept.isEmpty()) {
            return;
        }
        long slot = random.nextLong(seen);
        if (slot < kept.size()) {
            Batch replaced = kept.get((int) slot);
            if (rows - replaced.rows() + batch.rows() <= capacityRows) {
                kept.set((int) slot, batch);
                rows += batch.rows() - replaced.rows();
            }
        }
    }

    List<Batch> batches() {
        return List.copyOf(kept);
    }

    long rows() {
        return rows;
    }

    /** Batches offered so far, kept or not. */
    long seen() {
        return seen;
    }
}
