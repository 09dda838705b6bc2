package io.streamtrain.trainer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Direct buffers (platform byte order) that the batch feed decodes into and the training loop hands back after
 * the step, so decoding a batch allocates nothing. In: requests for a buffer of at least some size, and buffers
 * given back. Out: a free buffer large enough, or a new one. It holds at most as many buffers as were in use at
 * once, which the feed's prefetch capacity bounds; a buffer too small for the batches now coming is dropped.
 */
final class DirectBufferPool {

    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    /** A buffer of at least {@code bytes}, cleared. */
    ByteBuffer take(int bytes) {
        ByteBuffer buffer = free.poll();
        if (buffer == null || buffer.capacity() < bytes) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        return buffer.clear();
    }

    /** Returns a buffer that nothing reads any longer. */
    void give(ByteBuffer buffer) {
        free.add(buffer);
    }
}
