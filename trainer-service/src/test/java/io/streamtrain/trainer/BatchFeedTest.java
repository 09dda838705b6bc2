package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.testing.EmbeddedKafka;
import io.streamtrain.testing.SumSignBatches;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The batch feed on a real broker, with a queue far smaller than what it reads: every batch of the pipeline comes
 * once and in order, then the end-of-data marker, then the next epoch from the beginning; batches larger than the
 * whole queue still come while the room of the small ones before them is only partly given back.
 */
class BatchFeedTest {

    private static final String PIPELINE = "batch-feed-test";
    private static final long CAPACITY_BYTES = 64 * 1024;

    @Test
    void deliversEveryBatchInOrderThroughAQueueSmallerThanTheEpoch() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        // Small batches (about 1 KB each, 30 of them between the large ones: more than a quarter of the queue)
        // and batches of 10,000 rows (120 KB each, more than the whole queue).
        List<Batch> small = SumSignBatches.batches(PIPELINE, "small", 90, 16, 1);
        List<Batch> large = SumSignBatches.batches(PIPELINE, "large", 3, 10_000, 2);
        List<Batch> epoch = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            epoch.addAll(small.subList(30 * i, 30 * i + 30));
            epoch.add(large.get(i));
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("batch-feed-test"))) {
            for (Batch batch : epoch) {
                producer.send(Messages.data(Topics.BATCHES_TRAIN, PIPELINE, batch.batchId(), BatchCodec.encode(batch)));
            }
            producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, 0,
                    new EndOfData(SchemaVersion.CURRENT, PIPELINE, "train-batches", epoch.size(), 90 * 16 + 30_000)));
        }
        List<String> expected = new ArrayList<>(epoch.stream().map(Batch::batchId).toList());
        expected.add("end of data");
        expected.addAll(epoch.stream().map(Batch::batchId).toList());

        List<String> read = new ArrayList<>();
        try (BatchFeed feed = new BatchFeed(consumer(kafka, "feed"), consumer(kafka, "feed-spare"),
                PipelineRun.none(PIPELINE), CAPACITY_BYTES, 10)) {
            feed.start(Set.of(), false);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.size() < expected.size() && System.nanoTime() < deadline) {
                FeedItem item = feed.next(Duration.ofMillis(500));
                if (item == null) {
                    continue;
                }
                switch (item.kind()) {
                    case BATCH -> {
                        read.add(item.batch().batchId());
                        assertThat(item.batch().rows()).isIn(16, 10_000);
                        feed.release(item.batch());
                    }
                    case END_OF_DATA -> read.add("end of data");
                    case OTHER_PIPELINE -> {
                        // Batches of other tests sharing the broker.
                    }
                    case UNREADABLE -> read.add("unreadable: " + item.problem());
                }
            }
        }
        assertThat(read).containsExactlyElementsOf(expected);
    }

    private static KafkaConsumer<String, ByteBuffer> consumer(KafkaSettings kafka, String clientId) {
        KafkaConsumer<String, ByteBuffer> consumer = new KafkaConsumer<>(
                FeedConsumers.properties(kafka, PIPELINE + "-" + clientId));
        List<TopicPartition> partitions = List.of(new TopicPartition(Topics.BATCHES_TRAIN, 0));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
