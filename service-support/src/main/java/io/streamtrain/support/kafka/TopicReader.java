package io.streamtrain.support.kafka;

import io.streamtrain.contracts.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic once, from the beginning to its end as of the call, without a consumer group. Used to
 * restore state from compacted topics (statistics, champions) and histories. Out: every message, in partition
 * order, or one pipeline's events decoded.
 */
public final class TopicReader {

    private final KafkaSettings settings;

    public TopicReader(KafkaSettings settings) {
        this.settings = settings;
    }

    /** The events of one pipeline (by the pipeline header) on a topic, decoded, in order; tombstones skipped. */
    public <T> List<T> events(String topic, String pipeline, Class<T> type) {
        List<T> events = new ArrayList<>();
        readAll(topic, record -> {
            if (record.value() != null && pipeline.equals(Messages.pipelineOf(record))) {
                events.add(EventCodec.fromBytes(record.value(), type));
            }
        });
        return events;
    }

    /** The events of one pipeline's run on a topic (messages without a run header belong to every run). */
    public <T> List<T> events(String topic, PipelineRun run, Class<T> type) {
        List<T> events = new ArrayList<>();
        readAll(topic, record -> {
            if (record.value() != null && run.pipeline().equals(Messages.pipelineOf(record))
                    && Messages.belongsToRun(record, run.runId())) {
                events.add(EventCodec.fromBytes(record.value(), type));
            }
        });
        return events;
    }

    public void readAll(String topic, Consumer<ConsumerRecord<String, byte[]>> handler) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.consumer("reader-" + topic, null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
            }
        }
    }
}
