package io.streamtrain.evaluator;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PollingThread;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The held-out rows, kept in memory. In: batches from {@code streamtrain.batches.validation.v1}, read from the
 * beginning (so a restart rebuilds it). Out: a snapshot of the batches for scoring; it is complete once every
 * partition delivered its end-of-data marker. At most {@code streamtrain.evaluator.max-validation-rows} rows are
 * kept: beyond that, a seeded reservoir sample of the batches ({@link BatchReservoir}).
 */
@ApplicationScoped
public class ValidationSet {

    private static final Logger LOG = Logger.getLogger(ValidationSet.class);

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;
    private final BatchReservoir reservoir;
    private boolean complete;
    private KafkaConsumer<String, byte[]> consumer;
    private PollingThread loop;

    public ValidationSet(PipelineSpec spec, PipelineRun run, KafkaSettings kafka,
                         @ConfigProperty(name = "streamtrain.evaluator.max-validation-rows") long maxRows) {
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
        this.reservoir = new BatchReservoir(maxRows, spec.train().seed());
    }

    void onStart(@Observes StartupEvent event) {
        consumer = new KafkaConsumer<>(kafka.consumer("evaluator-validation-" + spec.pipeline(), null));
        loop = PollingThread.start("validation-reader", this::run, consumer);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        loop.stop();
    }

    /** The batches read so far. */
    public synchronized List<Batch> snapshot() {
        return reservoir.batches();
    }

    public synchronized boolean complete() {
        return complete;
    }

    public synchronized long rows() {
        return reservoir.rows();
    }

    /** Waits until the set is complete or the timeout passes; returns whether it is complete. */
    public synchronized boolean awaitComplete(Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (!complete && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return complete;
    }

    /** Waits until at least one row is there or the timeout passes. */
    public synchronized boolean awaitRows(Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (reservoir.rows() == 0 && System.currentTimeMillis() < deadline) {
            wait(Math.max(1, deadline - System.currentTimeMillis()));
        }
        return reservoir.rows() > 0;
    }

    private void run(PollingThread loop) {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BATCHES_VALIDATION, Duration.ofSeconds(60))
                    .stream().map(p -> new TopicPartition(Topics.BATCHES_VALIDATION, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<Integer> finished = new HashSet<>();
            while (loop.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (run.owns(record)) {
                        take(record, finished, partitions.size());
                    }
                }
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.error("reading validation batches stopped", e);
        } finally {
            consumer.close();
        }
    }

    private synchronized void take(ConsumerRecord<String, byte[]> record, Set<Integer> finished, int partitions) {
        if (Messages.isEndOfData(record)) {
            finished.add(record.partition());
            complete = finished.size() == partitions;
            if (complete) {
                LOG.infof("validation set of '%s' complete: %d rows kept of %d batches read", spec.pipeline(),
                        reservoir.rows(), reservoir.seen());
            }
        } else {
            try {
                reservoir.offer(BatchCodec.decode(record.value()));
            } catch (IllegalArgumentException e) {
                LOG.warnf("skipping unreadable validation batch %s at %s-%d@%d: %s", record.key(), record.topic(),
                        record.partition(), record.offset(), e.getMessage());
            }
        }
        notifyAll();
    }
}
