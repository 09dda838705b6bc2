package io.streamtrain.support.kafka;

import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Headers;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds and reads the messages every stage exchanges: the pipeline and run headers and end-of-data markers. A
 * message without the pipeline header belongs to every pipeline, one without the run header to every run.
 */
public final class Messages {

    private Messages() {
    }

    /** A data message of {@code pipeline}. */
    public static ProducerRecord<String, byte[]> data(String topic, String pipeline, String key, byte[] value) {
        return data(topic, pipeline, null, key, value);
    }

    /** A data message of {@code pipeline} and its run {@code runId} (null: no run header). */
    public static ProducerRecord<String, byte[]> data(String topic, String pipeline, String runId, String key,
                                                      byte[] value) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, key, value);
        record.headers().add(Headers.PIPELINE, Headers.utf8(pipeline));
        addRun(record, runId);
        return record;
    }

    /** An end-of-data marker for one partition of {@code topic}. */
    public static ProducerRecord<String, byte[]> endOfData(String topic, int partition, EndOfData marker) {
        return endOfData(topic, partition, marker, null);
    }

    /** An end-of-data marker of the run {@code runId} (null: no run header) for one partition of {@code topic}. */
    public static ProducerRecord<String, byte[]> endOfData(String topic, int partition, EndOfData marker,
                                                           String runId) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition, marker.pipeline(),
                EventCodec.toBytes(marker));
        record.headers().add(Headers.PIPELINE, Headers.utf8(marker.pipeline()));
        record.headers().add(Headers.CONTROL, Headers.utf8(Headers.END_OF_DATA));
        addRun(record, runId);
        return record;
    }

    private static void addRun(ProducerRecord<String, byte[]> record, String runId) {
        if (runId != null) {
            record.headers().add(Headers.RUN, Headers.utf8(runId));
        }
    }

    /** The run named by the message's header, or null. */
    public static String runOf(ConsumerRecord<?, ?> record) {
        Header header = record.headers().lastHeader(Headers.RUN);
        return header == null ? null : Headers.string(header.value());
    }

    /**
     * True when the message belongs to the run {@code runId}: it has no run header, or names that run. Without a
     * run id of its own (null) a service takes every run's messages, as before runs existed.
     */
    public static boolean belongsToRun(ConsumerRecord<?, ?> record, String runId) {
        String owner = runOf(record);
        return runId == null || owner == null || owner.equals(runId);
    }

    /** True when the message belongs to {@code pipeline} and to its run {@code runId} (null: any run). */
    public static boolean belongsTo(ConsumerRecord<?, ?> record, String pipeline, String runId) {
        return belongsTo(record, pipeline) && belongsToRun(record, runId);
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
