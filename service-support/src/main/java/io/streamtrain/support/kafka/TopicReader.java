package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a whole topic once, from the beginning to its end as of the call, without a consumer group. Used to
 * restore state from compacted topics (statistics, champions). Out: every message, in partition order.
 */
public final class TopicReader {

    private final KafkaSettings settings;

    public TopicReader(KafkaSettings settings) {
        this.settings = settings;
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
