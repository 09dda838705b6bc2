package io.streamtrain.support.kafka;

import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/** Builds and reads the messages every stage exchanges: the pipeline header and end-of-data markers. */
public final class Messages {

    private Messages() {
    }

    /** A data message of {@code pipeline}. */
    public static ProducerRecord<String, byte[]> data(String topic, String pipeline, String key, byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(Headers.PIPELINE, Headers.utf8(pipeline));
        return record;
    }

    /** An end-of-data marker for one partition of {@code topic}. */
    public static ProducerRecord<String, byte[]> endOfData(String topic, int partition, EndOfData marker) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, marker.pipeline(),
                EventCodec.toBytes(marker));
        record.headers().add(Headers.PIPELINE, Headers.utf8(marker.pipeline()));
        record.headers().add(Headers.CONTROL, Headers.utf8(Headers.END_OF_DATA));
        return record;
    }

    /** The pipeline named by the message's header, or null. */
    public static String pipelineOf(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(Headers.PIPELINE);
        return header == null ? null : Headers.string(header.value());
    }

    public static boolean isEndOfData(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(Headers.CONTROL);
        return header != null && Headers.END_OF_DATA.equals(Headers.string(header.value()));
    }

    /** True when the message belongs to {@code pipeline}; messages without the header belong to every pipeline. */
    public static boolean belongsTo(ConsumerRecord<?, ?> record, String pipeline) {
        String owner = pipelineOf(record);
        return owner == null || owner.equals(pipeline);
    }
}
