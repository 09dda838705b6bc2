package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.cli.local.FreePorts;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.StatsLookup;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once preprocessing: kill -9 the preprocess-service process twice at random points while a dataset
 * flows, restart it each time, and check that every valid record is in exactly one batch and every dead letter
 * was written once.
 */
class PreprocessCrashRecoveryTest {

    private static final int RECORDS = 20_000;
    private static final int DUPLICATES = 20;
    private static final int UNKNOWN_CLASS = 10;

    @TempDir
    Path work;

    @Test
    void killedTwiceEveryValidRecordIsInExactlyOneBatch() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        String pipeline = "crash-" + System.nanoTime();
        Path spec = Files.writeString(work.resolve("spec.yaml"), "pipeline: " + pipeline + "\n" + """
                data:
                  label: y
                  task: classification
                  classes: [a, b]
                  features: {n: numeric, x: numeric}
                batch: {size: 32, shuffleBuffer: 1000}
                preprocess: {warmupRecords: 500, dedupeWindow: 5000}
                """);
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int firstKill = 20 + random.nextInt(200);
        int secondKill = firstKill + 20 + random.nextInt(200);
        System.out.printf("crash test seed %d: kills after %d and %d train batches%n", seed, firstKill, secondKill);

        ManagedProcess preprocess = start(bootstrap, spec, 1);
        publish(kafka, pipeline, random);
        for (int killAt : new int[] {firstKill, secondKill}) {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                    .until(() -> count(kafka, Topics.BATCHES_TRAIN, pipeline) >= killAt);
            preprocess.kill();
            preprocess = start(bootstrap, spec, killAt);
        }
        try {
            // One end-of-data marker per train partition (other tests on the shared broker may have added some)
            // and one on the validation topic.
            int trainPartitions;
            try (KafkaConsumer<String, byte[]> probe = new KafkaConsumer<>(kafka.consumer("partition-probe", null))) {
                trainPartitions = probe.partitionsFor(Topics.BATCHES_TRAIN).size();
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> markers(kafka, pipeline) == trainPartitions + 1);
        } finally {
            preprocess.close();
        }

        NormalizationStats stats = new StatsLookup(kafka).latest(pipeline).orElseThrow();
        Map<Long, Integer> seen = new TreeMap<>();
        List<String> batchIds = new ArrayList<>();
        for (String topic : List.of(Topics.BATCHES_TRAIN, Topics.BATCHES_VALIDATION)) {
            new TopicReader(kafka).readAll(topic, record -> {
                if (pipeline.equals(Messages.pipelineOf(record)) && !Messages.isEndOfData(record)) {
                    Batch batch = BatchCodec.decode(record.value());
                    batchIds.add(topic + "/" + batch.batchId());
                    for (int r = 0; r < batch.rows(); r++) {
                        NormalizationStats.NumericFeature n = stats.numeric().get(0);
                        long id = Math.round(batch.features()[r * batch.cols()] * n.std() + n.mean());
                        seen.merge(id, 1, Integer::sum);
                    }
                }
            });
        }
        assertThat(batchIds).doesNotHaveDuplicates();
        assertThat(seen).hasSize(RECORDS);
        assertThat(seen.keySet()).allMatch(id -> id >= 0 && id < RECORDS);
        assertThat(seen.values()).as("times each record was batched").containsOnly(1);

        Map<String, Integer> deadLetters = new HashMap<>();
        new TopicReader(kafka).readAll(Topics.REJECTED, record -> {
            if (pipeline.equals(Messages.pipelineOf(record))) {
                RejectedRecord dead = EventCodec.fromBytes(record.value(), RejectedRecord.class);
                deadLetters.merge(dead.reason() + " " + dead.id(), 1, Integer::sum);
            }
        });
        assertThat(deadLetters).hasSize(DUPLICATES + UNKNOWN_CLASS);
        assertThat(deadLetters.values()).as("times each dead letter was written").containsOnly(1);
        assertThat(deadLetters.keySet().stream().filter(k -> k.startsWith("DUPLICATE_ID"))).hasSize(DUPLICATES);
    }

    private ManagedProcess start(String bootstrap, Path spec, int attempt) throws Exception {
        return ManagedProcess.start("preprocess-" + attempt, ManagedProcess.java(List.of("-Xmx256m",
                "-Dstreamtrain.spec=" + spec, "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dquarkus.http.port=" + FreePorts.next(), "-Dstreamtrain.instance-id=crash-test",
                "-jar", Home.locate().serviceJar("preprocess-service").toString())), Map.of(), work);
    }

    /** Valid records r0..r19999 (feature n = its number), then duplicates and unknown classes, then the end. */
    private static void publish(KafkaSettings kafka, String pipeline, Random random) throws Exception {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("crash-test"))) {
            for (int i = 0; i < RECORDS; i++) {
                send(producer, pipeline, "r" + i, i, random.nextBoolean() ? "a" : "b", random);
                if (i % 1000 == 999 && i / 1000 < DUPLICATES) {
                    send(producer, pipeline, "r" + i, i, "a", random);
                }
                if (i % 2000 == 1999 && i / 2000 < UNKNOWN_CLASS) {
                    send(producer, pipeline, "u" + i, -1, "c", random);
                }
            }
            producer.send(Messages.endOfData(Topics.RECORDS, 0,
                    new EndOfData(1, pipeline, "test", RECORDS, RECORDS))).get();
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String pipeline, String id, double n,
                             String label, Random random) {
        CanonicalRecord record = new CanonicalRecord(1, pipeline, id, label,
                Map.of("n", n, "x", random.nextGaussian()), null);
        producer.send(Messages.data(Topics.RECORDS, pipeline, id, EventCodec.toBytes(record)));
    }

    private static long count(KafkaSettings kafka, String topic, String pipeline) {
        long[] count = {0};
        new TopicReader(kafka).readAll(topic, r -> {
            if (pipeline.equals(Messages.pipelineOf(r)) && !Messages.isEndOfData(r)) {
                count[0]++;
            }
        });
        return count[0];
    }

    private static long markers(KafkaSettings kafka, String pipeline) {
        long[] count = {0};
        for (String topic : List.of(Topics.BATCHES_TRAIN, Topics.BATCHES_VALIDATION)) {
            new TopicReader(kafka).readAll(topic, r -> {
                if (pipeline.equals(Messages.pipelineOf(r)) && Messages.isEndOfData(r)) {
                    count[0]++;
                }
            });
        }
        return count[0];
    }
}
