package io.streamtrain.trainer;

import io.streamtrain.pipeline.batch.DirectBatch;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The hand-over between a {@link BatchFeed}'s thread and the training thread. In: items the feed read, each
 * holding room against the queue's capacity (its batch's kilobytes). Out: the items in order, minus those read
 * before the newest repositioning the training thread asked for (their buffers go back to the pool). The native
 * buffers batches are decoded into come from, and go back to, this queue's pool.
 */
final class FeedQueue {

    private final BlockingQueue<FeedItem> queue = new LinkedBlockingQueue<>();
    private final Semaphore room;
    private final int capacityKilobytes;
    private final DirectBufferPool buffers = new DirectBufferPool();
    /** Room taken off the queue but not yet given back to the feed (touched by the training thread only). */
    private int unreleasedKilobytes;
    /** Items read before this repositioning are dropped (touched by the training thread only). */
    private long wantedGeneration;

    FeedQueue(long capacityBytes) {
        this.capacityKilobytes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, capacityBytes / 1024));
        this.room = new Semaphore(capacityKilobytes);
    }

    int capacityKilobytes() {
        return capacityKilobytes;
    }

    DirectBufferPool buffers() {
        return buffers;
    }

    /** Feed thread: waits for room, then queues the item; false when {@code running} turned false first. */
    boolean offer(FeedItem item, BooleanSupplier running) throws InterruptedException {
        while (!room.tryAcquire(item.kilobytes(), 100, TimeUnit.MILLISECONDS)) {
            if (!running.getAsBoolean()) {
                return false;
            }
        }
        queue.add(item);
        return true;
    }

    /**
     * The next current item, or null when none arrived within {@code timeout}.
     *
     * <p>The room an item held goes back to the feed a quarter of the queue's capacity at a time (and all of it
     * before waiting on an empty queue), not item by item: a feed waiting for room is then woken a few times per
     * fill instead of once per batch. Waking a thread on the other core cost the training thread 8% of its time
     * with 64-row batches (measured: 35 us per batch in this call while the queue was never empty).
     */
    FeedItem next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            FeedItem item = queue.poll();
            if (item == null) {
                giveBackRoom();
                item = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            if (item == null) {
                return null;
            }
            unreleasedKilobytes += item.kilobytes();
            if (unreleasedKilobytes >= Math.max(1, capacityKilobytes / 4)) {
                giveBackRoom();
            }
            if (item.generation() >= wantedGeneration) {
                return item;
            }
            if (item.batch() != null) {
                release(item.batch());
            }
        }
    }

    /** Training thread: items read before now are dropped; returns the generation the feed must read under. */
    long newGeneration() {
        return ++wantedGeneration;
    }

    /** Gives back the buffer of a batch that has been trained on (or skipped), for the next batches. */
    void release(DirectBatch batch) {
        buffers.give(batch.data());
    }

    int size() {
        return queue.size();
    }

    private void giveBackRoom() {
        if (unreleasedKilobytes > 0) {
            room.release(unreleasedKilobytes);
            unreleasedKilobytes = 0;
        }
    }
}
