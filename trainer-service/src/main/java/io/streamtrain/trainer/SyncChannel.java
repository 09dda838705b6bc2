package io.streamtrain.trainer;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;

/**
 * A trainer's connection to {@code streamtrain.sync.v1}. In: the sync topic from a given offset, and the messages
 * this trainer sends. Out: the pipeline's sync messages fed in topic order to {@link SyncRounds}, and the rounds
 * they closed. Counts the bytes this trainer sent.
 */
final class SyncChannel implements AutoCloseable {

    private final String pipeline;
    private final SyncRounds rounds;
    private final PipelineRun run;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final TopicPartition partition = new TopicPartition(Topics.SYNC, 0);
    private long bytesSent;

    SyncChannel(KafkaSettings kafka, PipelineRun run, String member, SyncRounds rounds, long fromOffset) {
        this.run = run;
        this.pipeline = run.pipeline();
        this.rounds = rounds;
        Properties consumerProperties = kafka.consumer("trainer-sync-" + member, null);
        // The broker answers one request per connection at a time: a fetch waiting there for new data would hold
        // up the end-offset lookup of every catch-up for as long as it may wait (500 ms by default).
        consumerProperties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        this.consumer = new KafkaConsumer<>(consumerProperties);
        Properties producerProperties = kafka.producer("trainer-sync-" + member);
        producerProperties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(producerProperties);
        consumer.assign(List.of(partition));
        consumer.seek(partition, fromOffset);
    }

    /** Reads everything published up to now; returns the rounds closed in it, oldest first. */
    List<SyncRounds.Result> catchUp() {
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<SyncRounds.Result> closed = new ArrayList<>();
        while (consumer.position(partition) < end) {
            closed.addAll(poll(Duration.ofMillis(100)));
        }
        return closed;
    }

    /** One poll of the sync topic; the rounds it closed. */
    List<SyncRounds.Result> poll(Duration timeout) {
        List<SyncRounds.Result> closed = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (!pipeline.equals(record.key()) || record.value() == null || !run.owns(record)) {
                continue;
            }
            SyncRounds.Result result = rounds.accept(EventCodec.fromBytes(record.value(), SyncMessage.class),
                    record.offset());
            if (result != null) {
                closed.add(result);
            }
        }
        return closed;
    }

    /** Publishes a message and waits for the broker's acknowledgement. */
    void send(SyncMessage message) throws IOException {
        byte[] bytes = EventCodec.toBytes(message);
        try {
            producer.send(run.data(Topics.SYNC, pipeline, bytes)).get();
            bytesSent += bytes.length;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending a sync message", e);
        } catch (ExecutionException e) {
            throw new IOException("cannot send a sync message: " + e.getCause(), e.getCause());
        }
    }

    long bytesSent() {
        return bytesSent;
    }

    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
