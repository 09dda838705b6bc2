package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Feeds trainer-service directly: publishes statistics and train batches as preprocess-service would, starts the
 * packaged trainer-service as its own process, and follows its progress and checkpoint events. Used by the
 * trainer benchmark and the soak command, so both measure the real service reading real Kafka.
 */
final class TrainerFixture {

    private final KafkaSettings kafka;
    private final KafkaProducer<String, byte[]> producer;

    TrainerFixture(String bootstrap) {
        this.kafka = new KafkaSettings(bootstrap);
        this.producer = new KafkaProducer<>(kafka.producer("bench-feeder"));
    }

    void publishStats(NormalizationStats stats) {
        producer.send(Messages.data(Topics.STATS, stats.pipeline(), stats.pipeline(), EventCodec.toBytes(stats)));
        producer.flush();
    }

    void publish(List<Batch> batches) {
        for (Batch batch : batches) {
            producer.send(Messages.data(Topics.BATCHES_TRAIN, batch.pipeline(), batch.batchId(),
                    BatchCodec.encode(batch)));
        }
        producer.flush();
    }

    /** Sends one batch without waiting (a steady feed). */
    void send(Batch batch) {
        producer.send(Messages.data(Topics.BATCHES_TRAIN, batch.pipeline(), batch.batchId(), BatchCodec.encode(batch)));
    }

    /** Lets the broker delete a topic's data older than {@code minutes} (in 64 MB segments). */
    static void keepMinutes(String bootstrap, String topic, int minutes) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", Long.toString(minutes * 60_000L)),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("segment.bytes", Integer.toString(64 * 1024 * 1024)),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    /**
     * Deletes everything published so far to the train batch topic, so that the next trainer reads only its own
     * pipeline's batches (a trainer reads past other pipelines' batches on a shared topic, and pays for it).
     */
    void clearTrainBatches() throws Exception {
        try (Admin admin = Admin.create(kafka.admin("bench-feeder-admin"))) {
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            admin.describeTopics(List.of(Topics.BATCHES_TRAIN)).allTopicNames().get().get(Topics.BATCHES_TRAIN)
                    .partitions().forEach(p -> ends.put(new TopicPartition(Topics.BATCHES_TRAIN, p.partition()),
                            OffsetSpec.latest()));
            Map<TopicPartition, RecordsToDelete> deletions = new HashMap<>();
            admin.listOffsets(ends).all().get().forEach((partition, end) ->
                    deletions.put(partition, RecordsToDelete.beforeOffset(end.offset())));
            admin.deleteRecords(deletions).all().get();
        }
    }

    void endOfData(String pipeline, int batches, long rows) {
        producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, 0,
                new EndOfData(SchemaVersion.CURRENT, pipeline, "train-batches", batches, rows)));
        producer.flush();
    }

    LocalServices startTrainer(Home home, Path work, String pipeline, String spec, String heap) throws Exception {
        return startTrainer(home, work, pipeline, spec, heap, List.of());
    }

    /** The same, with {@code moreOptions} for its JVM (system properties reach its configuration). */
    LocalServices startTrainer(Home home, Path work, String pipeline, String spec, String heap,
                               List<String> moreOptions) throws Exception {
        Path dir = Files.createDirectories(work.resolve(pipeline));
        Path specFile = Files.writeString(dir.resolve("pipeline.yaml"), spec);
        List<String> options = new ArrayList<>(jvmOptions(heap));
        options.addAll(moreOptions);
        return LocalServices.start(home, List.of("trainer-service"), specFile, kafka.bootstrapServers(), dir,
                Duration.ofSeconds(180), options);
    }

    /** The trainer's JVM options: the heap and serial GC, then those of {@code -Dbench.trainer.jvm} (commas). */
    static List<String> jvmOptions(String heap) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseSerialGC"));
        String extra = System.getProperty("bench.trainer.jvm", "");
        if (!extra.isBlank()) {
            options.addAll(List.of(extra.split(",")));
        }
        return options;
    }

    /** Follows the progress and checkpoint events of one pipeline. */
    final class Events implements AutoCloseable {

        private final String pipeline;
        private final KafkaConsumer<String, byte[]> consumer;
        final List<ProgressEvent> progress = new ArrayList<>();
        CheckpointEvent lastCheckpoint;

        Events(String pipeline) {
            this.pipeline = pipeline;
            this.consumer = new KafkaConsumer<>(kafka.consumer("bench-events-" + pipeline, null));
            List<TopicPartition> partitions = List.of(new TopicPartition(Topics.PROGRESS, 0),
                    new TopicPartition(Topics.CHECKPOINTS, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll(Duration timeout) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
                if (!pipeline.equals(Messages.pipelineOf(record))) {
                    continue;
                }
                if (record.topic().equals(Topics.PROGRESS)) {
                    progress.add(EventCodec.fromBytes(record.value(), ProgressEvent.class));
                } else {
                    lastCheckpoint = EventCodec.fromBytes(record.value(), CheckpointEvent.class);
                }
            }
        }

        /** Polls until the final checkpoint, checking the trainer is alive; fails after {@code limit}. */
        void awaitFinal(LocalServices trainer, Duration limit, Consumer<Events> eachPoll) {
            long deadline = System.nanoTime() + limit.toNanos();
            while (lastCheckpoint == null || !lastCheckpoint.finalCheckpoint()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no final checkpoint within " + limit);
                }
                trainer.checkAlive();
                poll(Duration.ofMillis(200));
                eachPoll.accept(this);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** The mean time of a checkpoint, from the trainer's Prometheus metrics. */
    static double meanCheckpointMillis(LocalServices trainer) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String body = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                + trainer.ports().get("trainer-service") + "/q/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        double sum = 0;
        double count = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith("streamtrain_trainer_checkpoint_seconds_sum{")) {
                sum = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            } else if (line.startsWith("streamtrain_trainer_checkpoint_seconds_count{")) {
                count = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return count == 0 ? Double.NaN : sum * 1000 / count;
    }

    void close() {
        producer.close();
    }
}
