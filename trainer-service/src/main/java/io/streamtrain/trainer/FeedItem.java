package io.streamtrain.trainer;

import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import java.nio.ByteBuffer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One message of the train batch topic as a {@link BatchFeed} hands it to the trainer, with its partition and
 * offset: a decoded batch of the pipeline (in native memory until it is given back), its end-of-data marker, a
 * message of another pipeline or of another run of it ({@code OTHER_PIPELINE}), or one that is not a readable batch
 * (with the reason). {@code kilobytes} is the room it holds in the feed's queue; {@code generation} the
 * repositioning of the feed it was read under.
 */
record FeedItem(Kind kind, int partition, long offset, DirectBatch batch, String problem, int kilobytes,
                long generation) {

    enum Kind { BATCH, END_OF_DATA, OTHER_PIPELINE, UNREADABLE }

    /** Reads a fetched message of {@code run}'s feed; a batch is decoded into a buffer of {@code queue}. */
    static FeedItem read(ConsumerRecord<String, ByteBuffer> record, PipelineRun run, long generation,
                         FeedQueue queue) {
        if (!run.owns(record)) {
            return new FeedItem(Kind.OTHER_PIPELINE, record.partition(), record.offset(), null, null, 1, generation);
        }
        if (Messages.isEndOfData(record)) {
            return new FeedItem(Kind.END_OF_DATA, record.partition(), record.offset(), null, null, 1, generation);
        }
        // What the item holds against the queue's capacity; a batch larger than all of it still gets through.
        int kilobytes = Math.min(queue.capacityKilobytes(),
                1 + (record.value() == null ? 0 : record.value().remaining() / 1024));
        try {
            return new FeedItem(Kind.BATCH, record.partition(), record.offset(),
                    BatchCodec.decode(record.value(), queue.buffers()::take), null, kilobytes, generation);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new FeedItem(Kind.UNREADABLE, record.partition(), record.offset(), null,
                    String.valueOf(e.getMessage()), 1, generation);
        }
    }
}
