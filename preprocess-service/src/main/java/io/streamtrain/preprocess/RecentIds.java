package io.streamtrain.preprocess;

import java.util.HashSet;
import java.util.Set;

/**
 * The last {@code capacity} record ids, to drop duplicates (a producer's retry, an ingest replay). In: ids in
 * arrival order. Out: whether an id is new. Oldest ids leave the window first.
 */
final class RecentIds {

    private final int capacity;
    private final Set<String> ids = new HashSet<>();
    private final String[] ring;
    private int next;

    RecentIds(int capacity) {
        this.capacity = capacity;
        this.ring = new String[Math.max(capacity, 0)];
    }

    /** Adds the id; false when it is already in the window. */
    boolean add(String id) {
        if (capacity == 0) {
            return true;
        }
        if (!ids.add(id)) {
            return false;
        }
        String evicted = ring[next];
        if (evicted != null) {
            ids.remove(evicted);
        }
        ring[next] = id;
        next = (next + 1) % capacity;
        return true;
    }
}
