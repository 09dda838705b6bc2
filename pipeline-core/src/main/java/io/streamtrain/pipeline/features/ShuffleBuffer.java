package io.streamtrain.pipeline.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded shuffle buffer: sorted input leaves it in random order. In: items one at a time. Out: once full, one
 * random buffered item per added item; at the end, the rest in random order. Capacity 0 passes items through.
 */
public final class ShuffleBuffer<T> {

    private final int capacity;
    private final Random random;
    private final List<T> items;

    public ShuffleBuffer(int capacity, long seed) {
        this.capacity = capacity;
        this.random = new Random(seed);
        this.items = new ArrayList<>(Math.min(capacity, 1 << 16));
    }

    /** Adds an item; returns the item that leaves the buffer, or null while it is filling. */
    public T add(T item) {
        if (capacity == 0) {
            return item;
        }
        if (items.size() < capacity) {
            items.add(item);
            return null;
        }
        int index = random.nextInt(capacity);
        T out = items.get(index);
        items.set(index, item);
        return out;
    }

    /** Empties the buffer in random order. */
    public List<T> drain() {
        List<T> out = new ArrayList<>(items.size());
        while (!items.isEmpty()) {
            int index = random.nextInt(items.size());
            int last = items.size() - 1;
            out.add(items.get(index));
            items.set(index, items.get(last));
            items.remove(last);
        }
        return out;
    }

    /** Replaces every buffered item (its order in the buffer kept): rows re-encoded for a newer layout. */
    public void replaceAll(java.util.function.UnaryOperator<T> replacement) {
        items.replaceAll(replacement);
    }

    public int size() {
        return items.size();
    }
}
