package io.streamtrain.trainer;

import io.streamtrain.support.kafka.KafkaSettings;
import java.nio.ByteBuffer;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * The consumers a {@link BatchFeed} reads the train batch topic with. In: the Kafka settings and a client id. Out:
 * a consumer without a group (the trainer positions it), reading committed data, with short broker-side waits and
 * values as views of the fetched data (decoding copies them once, into native memory).
 */
final class FeedConsumers {

    private FeedConsumers() {
    }

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
    static Properties properties(KafkaSettings kafka, String clientId) {
        Properties properties = kafka.consumer(clientId, null);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(FETCH_BYTES));
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class.getName());
        return properties;
    }

    static KafkaConsumer<String, ByteBuffer> create(KafkaSettings kafka, String clientId) {
        return new KafkaConsumer<>(properties(kafka, clientId));
    }
}
