package io.streamtrain.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.RunStart;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.testing.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Where a run's ingest starts: at the ingest topic's end as of the run's start (what earlier runs ingested is not
 * read again), or at its beginning when asked; a run started before keeps the position its group has.
 */
class RunStartTest {

    private static final String PIPELINE = "run-start";
    private static final TopicPartition INGEST = new TopicPartition(Topics.INGEST, 0);

    @Test
    void aNewRunStartsAtTheEndOfTheIngestTopicAndKeepsItsPositionAfterwards() throws Exception {
        KafkaSettings kafka = new KafkaSettings(EmbeddedKafka.shared().bootstrapServers());
        TopicAdmin.ensureTopics(kafka, 1);
        publish(kafka, "old-1", "old-2");
        long end = endOffset(kafka);

        Map<TopicPartition, Long> start = RunStart.commitIngestStart(kafka, PIPELINE, "r1", false);
        assertThat(start).containsExactly(Map.entry(INGEST, end));
        publish(kafka, "new-1");
        assertThat(RunStart.commitIngestStart(kafka, PIPELINE, "r1", false)).as("started before: kept")
                .containsExactly(Map.entry(INGEST, end));
        assertThat(RunStart.commitIngestStart(kafka, PIPELINE, "r2", true)).as("from the beginning")
                .containsExactly(Map.entry(INGEST, 0L));

        // The run's ingest group reads only what came after the run started.
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer("run-start-test",
                new PipelineRun(PIPELINE, "r1").ingestGroup()))) {
            consumer.subscribe(List.of(Topics.INGEST));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (PIPELINE.equals(Messages.pipelineOf(record))) {
                        read.add(record.key());
                    }
                }
                return !read.isEmpty();
            });
        }
        assertThat(read).containsExactly("new-1");
    }

    private static void publish(KafkaSettings kafka, String... keys) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("run-start-test"))) {
            for (String key : keys) {
                producer.send(Messages.data(Topics.INGEST, PIPELINE, key, "{}".getBytes())).get();
            }
        }
    }

    private static long endOffset(KafkaSettings kafka) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer("run-start-end", null))) {
            return consumer.endOffsets(List.of(INGEST)).get(INGEST);
        }
    }
}
