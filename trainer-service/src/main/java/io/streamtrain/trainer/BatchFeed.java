package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads the train batch topic on its own thread, ahead of training, so fetching and decoding overlap the
 * optimizer steps instead of adding to them. In: a consumer already assigned and positioned (and paused on the
 * partitions that ended the epoch). Out: a queue of {@link Item}s in the consumer's order, each with its
 * partition and offset: a decoded batch of the pipeline, its end-of-data marker, a message of another pipeline,
 * or one that is not a readable batch (with the reason). The queue holds at most {@code capacityBytes} of
 * batches. Batches are decoded straight from the fetched bytes into pooled native buffers, which the trainer's
 * tensors then use as they are: no batch data is copied on the heap or on the training thread, and the buffers
 * are given back with {@link #release} after the step.
 *
 * <p>At a partition's end-of-data marker the feed pauses that partition and drops whatever follows it. Once every
 * partition has delivered its marker it reads the next epoch from the beginning right away, behind the markers in
 * the queue, so the trainer finds it there when it turns the epoch (nothing past the last epoch is trained on:
 * the trainer stops first). Markers that come before any batch ever was trained on are followed by whatever is
 * published after them instead. After {@link #start} only the feed's thread touches the consumers.
 *
 * <p>Two consumers take turns, one per epoch. The consumer that just read an epoch still has a fetch waiting at
 * the broker for data after the markers (up to {@code fetch.max.wait.ms}), and a seek cannot fetch again until
 * that fetch returns; the other consumer starts the next epoch at once. The wait is 100 ms instead of Kafka's
 * 500 ms, so that even epochs shorter than the default wait do not stall on it (measured: with 65,536-row epochs
 * of 1,024-row batches the trainer ran at 0.43 of the in-memory rate before).
 */
final class BatchFeed implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchFeed.class);

    enum Kind { BATCH, END_OF_DATA, OTHER_PIPELINE, UNREADABLE }

    /** One message of the train batch topic, in order; a batch lies in native memory until it is given back. */
    record Item(Kind kind, int partition, long offset, DirectBatch batch, String problem, int kilobytes) {
    }

    private final String pipeline;
    private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
    private final Semaphore room;
    /** Room taken off the queue but not yet given back to the feed (touched by the training thread only). */
    private int unreleasedKilobytes;
    private final DirectBufferPool buffers = new DirectBufferPool();
    private final int capacityKilobytes;
    private final Set<Integer> ended = new HashSet<>();
    private final Thread thread;
    private final int niceness;
    private KafkaConsumer<String, ByteBuffer> consumer;
    private KafkaConsumer<String, ByteBuffer> spare;
    private boolean trained;
    private volatile boolean running = true;
    private volatile long consumerLag;
    private volatile Throwable failure;

    /**
     * At most this much is fetched per partition and request. The fetched data stays on the heap until its last
     * batch is decoded: larger fetches (8 MB) outlived young collections and were promoted, so full collections
     * stalled training every few seconds; 1 MB fetches cost the broker more requests than the cores could spare
     * at 1,024-row batches. A batch larger than this still comes, alone.
     */
    static final int FETCH_BYTES = 4 * 1024 * 1024;

    /**
     * The configuration of the feed's consumers: no group, read committed, short broker-side waits, and values
     * as views of the fetched data (decoding copies them once, into native memory).
     */
    static java.util.Properties consumerProperties(KafkaSettings kafka, String clientId) {
        java.util.Properties properties = kafka.consumer(clientId, null);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(FETCH_BYTES));
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        return properties;
    }

    /**
     * {@code consumer} is assigned and positioned; {@code spare} is a second one with the same configuration. The
     * feed's thread runs at nice value {@code niceness} (0: as the training thread): the feed only has to stay
     * ahead, and where it shares the cores with the training thread (and a broker) the training thread should win.
     */
    BatchFeed(KafkaConsumer<String, ByteBuffer> consumer, KafkaConsumer<String, ByteBuffer> spare, String pipeline,
              long capacityBytes, int niceness) {
        this.niceness = niceness;
        this.consumer = consumer;
        this.spare = spare;
        this.pipeline = pipeline;
        this.capacityKilobytes = (int) Math.max(1, Math.min(Integer.MAX_VALUE, capacityBytes / 1024));
        this.room = new Semaphore(capacityKilobytes);
        this.thread = new Thread(this::run, "batch-feed");
        thread.setDaemon(true);
    }

    /**
     * Starts reading. {@code endedPartitions} are already paused after their marker; {@code trainedBefore} says
     * whether the run has trained on a batch (restored from a checkpoint), so markers end an epoch.
     */
    void start(Set<Integer> endedPartitions, boolean trainedBefore) {
        ended.addAll(endedPartitions);
        trained = trainedBefore;
        spare.assign(consumer.assignment());
        spare.pause(spare.assignment());
        thread.start();
    }

    /**
     * The next item, or null when none arrived within {@code timeout}; rethrows a failure of the feed.
     *
     * <p>The room an item held goes back to the feed a quarter of the queue's capacity at a time (and all of it
     * before waiting on an empty queue), not item by item: a feed waiting for room is then woken a few times per
     * fill instead of once per batch. Waking a thread on the other core cost the training thread 8% of its time
     * with 64-row batches (measured: 35 us per batch in this call while the queue was never empty).
     */
    Item next(Duration timeout) throws InterruptedException {
        Item item = queue.poll();
        if (item == null) {
            giveBackRoom();
            item = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (item == null) {
            if (failure != null) {
                throw new IllegalStateException("reading the train batch topic failed", failure);
            }
            return null;
        }
        unreleasedKilobytes += item.kilobytes();
        if (unreleasedKilobytes >= Math.max(1, capacityKilobytes / 4)) {
            giveBackRoom();
        }
        return item;
    }

    private void giveBackRoom() {
        if (unreleasedKilobytes > 0) {
            room.release(unreleasedKilobytes);
            unreleasedKilobytes = 0;
        }
    }

    /** Gives back the buffer of a batch that has been trained on (or skipped), for the next batches. */
    void release(DirectBatch batch) {
        buffers.give(batch.data());
    }

    /** Train batches published but not yet trained on: the consumer's lag plus what waits in the queue. */
    long lag() {
        return consumerLag + queue.size();
    }

    private void run() {
        if (niceness > 0 && !ThreadNiceness.setForCurrentThread(niceness)) {
            LOG.infof("the batch feed runs at the training thread's priority: this platform did not take nice %d",
                    niceness);
        }
        try {
            while (running) {
                ConsumerRecords<String, ByteBuffer> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    continue;
                }
                long lag = 0;
                for (TopicPartition partition : consumer.assignment()) {
                    lag += consumer.currentLag(partition).orElse(0);
                }
                consumerLag = lag;
                for (ConsumerRecord<String, ByteBuffer> record : records) {
                    if (!ended.contains(record.partition())) {
                        offer(item(record));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failure = e;
        }
    }

    private void offer(Item item) throws InterruptedException {
        while (!room.tryAcquire(item.kilobytes(), 100, TimeUnit.MILLISECONDS)) {
            if (!running) {
                return;
            }
        }
        queue.add(item);
        if (item.kind() == Kind.BATCH) {
            trained = true;
        } else if (item.kind() == Kind.END_OF_DATA) {
            ended.add(item.partition());
            consumer.pause(List.of(new TopicPartition(Topics.BATCHES_TRAIN, item.partition())));
            if (ended.size() == consumer.assignment().size()) {
                nextEpoch();
            }
        }
    }

    /** Every partition delivered its marker: read on from the beginning (or, before any batch, after them). */
    private void nextEpoch() {
        ended.clear();
        if (!trained) {
            consumer.resume(consumer.assignment());
            return;
        }
        KafkaConsumer<String, ByteBuffer> finished = consumer;
        consumer = spare;
        spare = finished;
        spare.pause(spare.assignment());
        consumer.resume(consumer.assignment());
        consumer.seekToBeginning(consumer.assignment());
    }

    private Item item(ConsumerRecord<String, ByteBuffer> record) {
        // What the item holds against the queue's capacity; a batch larger than all of it still gets through.
        int kilobytes = Math.min(capacityKilobytes, 1 + (record.value() == null ? 0 : record.value().remaining() / 1024));
        if (!Messages.belongsTo(record, pipeline)) {
            return new Item(Kind.OTHER_PIPELINE, record.partition(), record.offset(), null, null, 1);
        }
        if (Messages.isEndOfData(record)) {
            return new Item(Kind.END_OF_DATA, record.partition(), record.offset(), null, null, 1);
        }
        try {
            return new Item(Kind.BATCH, record.partition(), record.offset(), BatchCodec.decode(record.value(), buffers::take), null,
                    kilobytes);
        } catch (IllegalArgumentException | NullPointerException e) {
            return new Item(Kind.UNREADABLE, record.partition(), record.offset(), null,
                    String.valueOf(e.getMessage()), 1);
        }
    }

    /** Stops the thread and closes the consumers. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        spare.wakeup();
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        consumer.close();
        spare.close();
    }
}
