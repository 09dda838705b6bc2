package io.streamtrain.preprocess;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The preprocessing loop. In: canonical records from {@code streamtrain.records.v1} (read committed). Out, in one
 * Kafka transaction per poll together with the consumed offsets: statistics to {@code streamtrain.stats.v1},
 * batches to the train and validation batch topics, dead letters to {@code streamtrain.rejected.v1}, and
 * end-of-data markers on every partition of both batch topics.
 */
@ApplicationScoped
public class PreprocessLoop implements PreprocessOutput {

    private static final Logger LOG = Logger.getLogger(PreprocessLoop.class);
    static final String STAGE = "preprocess";

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final String instanceId;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private Thread thread;

    public PreprocessLoop(PipelineSpec spec, KafkaSettings kafka,
                          @ConfigProperty(name = "streamtrain.instance-id") String instanceId) {
        this.spec = spec;
        this.kafka = kafka;
        this.instanceId = instanceId;
    }

    void onStart(@Observes StartupEvent event) {
        NormalizationStats restored = new StatsLookup(kafka).latest(spec.pipeline()).orElse(null);
        if (restored != null) {
            LOG.infof("restored statistics version %d of pipeline '%s'", restored.version(), spec.pipeline());
        }
        String transactionalId = "streamtrain-preprocess-" + spec.pipeline() + "-" + instanceId;
        producer = new KafkaProducer<>(kafka.transactionalProducer(transactionalId, transactionalId));
        producer.initTransactions();
        consumer = new KafkaConsumer<>(kafka.consumer("preprocess-" + instanceId, "streamtrain-preprocess-" + spec.pipeline()));
        consumer.subscribe(List.of(Topics.RECORDS));
        String batchPrefix = Long.toString(System.currentTimeMillis(), 36);
        Preprocessor preprocessor = new Preprocessor(spec, restored, batchPrefix, this);
        thread = new Thread(() -> run(preprocessor), "preprocess-loop");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running.set(false);
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(10_000);
        }
    }

    private void run(Preprocessor preprocessor) {
        try {
            while (running.get()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, byte[]> record : records) {
                    handle(preprocessor, record);
                    offsets.put(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.error("preprocessing stopped; the service exits so that it restarts from the last committed "
                    + "transaction", e);
            Quarkus.asyncExit(1);
        } finally {
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(Preprocessor preprocessor, ConsumerRecord<String, byte[]> record) {
        if (!Messages.belongsTo(record, spec.pipeline())) {
            return;
        }
        if (Messages.isEndOfData(record)) {
            preprocessor.endOfData();
            return;
        }
        CanonicalRecord canonical;
        try {
            canonical = EventCodec.fromBytes(record.value(), CanonicalRecord.class);
        } catch (IllegalArgumentException e) {
            String text = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            sendRejected(record.key(), null, new Rejection(ReasonCode.MALFORMED_JSON, null,
                    "not a canonical record: " + e.getMessage()), text);
            return;
        }
        preprocessor.accept(canonical);
    }

    @Override
    public void stats(NormalizationStats stats) {
        LOG.infof("statistics version %d of '%s' from %d warm-up records: %d inputs, %d outputs",
                stats.version(), stats.pipeline(), stats.warmupRecords(), stats.inputSize(), stats.outputSize());
        producer.send(Messages.data(Topics.STATS, spec.pipeline(), spec.pipeline(), EventCodec.toBytes(stats)));
    }

    @Override
    public void trainBatch(Batch batch) {
        producer.send(Messages.data(Topics.BATCHES_TRAIN, spec.pipeline(), batch.batchId(), BatchCodec.encode(batch)));
    }

    @Override
    public void validationBatch(Batch batch) {
        producer.send(Messages.data(Topics.BATCHES_VALIDATION, spec.pipeline(), batch.batchId(),
                BatchCodec.encode(batch)));
    }

    @Override
    public void rejected(CanonicalRecord record, Rejection rejection) {
        sendRejected(record.id(), record, rejection, EventCodec.toJson(record));
    }

    private void sendRejected(String id, CanonicalRecord record, Rejection rejection, String original) {
        RejectedRecord dead = new RejectedRecord(SchemaVersion.CURRENT, spec.pipeline(), id, STAGE, rejection.reason(),
                rejection.field(), rejection.detail(), record == null ? null : record.source(), original, false,
                System.currentTimeMillis());
        producer.send(Messages.data(Topics.REJECTED, spec.pipeline(), id, EventCodec.toBytes(dead)));
    }

    @Override
    public void endOfData(long trainBatches, long trainRows, long validationBatches, long validationRows) {
        LOG.infof("end of data for '%s': %d train batches (%d rows), %d validation batches (%d rows)",
                spec.pipeline(), trainBatches, trainRows, validationBatches, validationRows);
        marker(Topics.BATCHES_TRAIN, trainBatches, trainRows);
        marker(Topics.BATCHES_VALIDATION, validationBatches, validationRows);
    }

    private void marker(String topic, long batches, long rows) {
        EndOfData marker = new EndOfData(SchemaVersion.CURRENT, spec.pipeline(), STAGE, batches, rows);
        producer.partitionsFor(topic).forEach(p -> producer.send(Messages.endOfData(topic, p.partition(), marker)));
    }
}
