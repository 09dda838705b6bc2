package io.streamtrain.preprocess;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.PollingThread;
import io.streamtrain.support.kafka.ProgressWatch;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * The preprocessing loop, exactly once. In: canonical records from {@code streamtrain.records.v1} (read
 * committed). Out: what the {@link Preprocessor} makes, written in one Kafka transaction per poll together with the
 * consumer offset, whose metadata counts every output committed so far ({@link OutputProgress}).
 *
 * <p>Records wait in memory (warm-up sample, shuffle buffer, partial batches) across transactions, so a restart
 * cannot resume from the committed offset alone. Instead it replays the records topic from the beginning: the
 * preprocessor is deterministic, so it makes the same outputs in the same order, and {@link SequencedOutput}
 * drops the ones already committed. A crash at any point therefore loses nothing and writes nothing twice. The
 * records topic must have one partition (poll order across partitions is not deterministic); one preprocessor
 * instance runs per pipeline, and a restarted one fences the old one through its transactional id. With a run id,
 * the consumer group and transactional id end in {@code -<run id>} (a new run replays the records topic for
 * itself), records and statistics of other runs are ignored, and every output carries the run header.
 */
@ApplicationScoped
public class PreprocessLoop {

    private static final Logger LOG = Logger.getLogger(PreprocessLoop.class);

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;
    private final String instanceId;
    private final ProgressWatch watch;
    private final int maxPollRecords;
    private KafkaConsumer<String, byte[]> consumer;
    private KafkaProducer<String, byte[]> producer;
    private PollingThread loop;

    public PreprocessLoop(PipelineSpec spec, PipelineRun run, KafkaSettings kafka,
                          @ConfigProperty(name = "streamtrain.instance-id") String instanceId,
                          @ConfigProperty(name = "streamtrain.preprocess.max-poll-records") int maxPollRecords,
                          ProgressWatch watch) {
        this.watch = watch;
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
        this.instanceId = instanceId;
        this.maxPollRecords = maxPollRecords;
    }

    void onStart(@Observes StartupEvent event) {
        String transactionalId = run.scoped("streamtrain-preprocess-" + spec.pipeline()) + "-" + instanceId;
        producer = new KafkaProducer<>(kafka.transactionalProducer(transactionalId, transactionalId));
        producer.initTransactions();
        Properties consumerSettings = kafka.consumer("preprocess-" + instanceId,
                run.scoped("streamtrain-preprocess-" + spec.pipeline()));
        // One transaction per poll: large polls keep the commit overhead per record small.
        consumerSettings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        consumer = new KafkaConsumer<>(consumerSettings);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.RECORDS, Duration.ofSeconds(60)).stream()
                .map(p -> new TopicPartition(Topics.RECORDS, p.partition())).toList();
        if (partitions.size() != 1) {
            throw new IllegalStateException(Topics.RECORDS + " has " + partitions.size() + " partitions; exactly-once "
                    + "preprocessing needs one (create it with --partitions 1)");
        }
        TopicPartition input = partitions.get(0);
        consumer.assign(partitions);
        OffsetAndMetadata committed = consumer.committed(Set.of(input)).get(input);
        OutputProgress progress = OutputProgress.parse(committed == null ? null : committed.metadata());
        consumer.seekToBeginning(partitions);
        NormalizationStats restored = new StatsLookup(kafka, run.runId()).latest(spec.pipeline()).orElse(null);
        if (restored != null || committed != null) {
            LOG.infof("restarting %s: statistics version %s, replaying %s from the beginning past %s",
                    run, restored == null ? "none" : restored.version(), Topics.RECORDS, progress);
        }
        SequencedOutput output = new SequencedOutput(new KafkaOutput(run, producer), progress);
        Preprocessor preprocessor = new Preprocessor(spec, restored, output);
        loop = PollingThread.start("preprocess-loop", polling -> run(polling, preprocessor, output, input), consumer);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    private void run(PollingThread loop, Preprocessor preprocessor, SequencedOutput output, TopicPartition input) {
        try {
            while (loop.running()) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                watch.waitingOn(consumer);
                if (records.isEmpty()) {
                    continue;
                }
                watch.progressed();
                producer.beginTransaction();
                for (ConsumerRecord<String, byte[]> record : records) {
                    handle(preprocessor, output, record);
                }
                producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(consumer.position(input),
                        output.progress().toMetadata())), consumer.groupMetadata());
                producer.commitTransaction();
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.error("preprocessing stopped; the service exits and a restart replays from the last commit", e);
            Quarkus.asyncExit(1);
        } finally {
            consumer.close();
            producer.close(Duration.ofSeconds(5));
        }
    }

    private void handle(Preprocessor preprocessor, SequencedOutput output, ConsumerRecord<String, byte[]> record) {
        if (!run.owns(record)) {
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
            output.rejected(new CanonicalRecord(0, spec.pipeline(), record.key(), null, Map.of(), null),
                    new Rejection(ReasonCode.MALFORMED_JSON, null, "not a canonical record: " + e.getMessage()
                            + "; text: " + text.substring(0, Math.min(200, text.length()))));
            return;
        }
        preprocessor.accept(canonical);
    }
}
