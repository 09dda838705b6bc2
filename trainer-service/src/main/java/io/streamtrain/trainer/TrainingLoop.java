package io.streamtrain.trainer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.StatsLookup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The training loop. In: batches from {@code streamtrain.batches.train.v1} (every partition, read committed).
 * Out: one optimizer step per batch, and a checkpoint every {@code train.checkpointEvery} steps and at the end of
 * each epoch. An epoch ends when every partition has delivered its end-of-data marker; the next epoch replays
 * the topic from the beginning, until {@code train.epochs}. Without markers it trains continuously.
 */
@ApplicationScoped
public class TrainingLoop {

    private static final Logger LOG = Logger.getLogger(TrainingLoop.class);

    private final PipelineSpec spec;
    private final KafkaSettings kafka;
    private final CheckpointPublisher checkpoints;
    private final int threads;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    public TrainingLoop(PipelineSpec spec, KafkaSettings kafka, CheckpointPublisher checkpoints,
                        @ConfigProperty(name = "streamtrain.trainer.threads") int threads) {
        this.spec = spec;
        this.kafka = kafka;
        this.checkpoints = checkpoints;
        this.threads = threads;
    }

    void onStart(@Observes StartupEvent event) {
        consumer = new KafkaConsumer<>(kafka.consumer("trainer-" + spec.pipeline(), null));
        thread = new Thread(this::run, "training-loop");
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        thread.join(10_000);
    }

    private void run() {
        TrainingSession session = null;
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.BATCHES_TRAIN, Duration.ofSeconds(60))
                    .stream().map(p -> new TopicPartition(Topics.BATCHES_TRAIN, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Set<TopicPartition> finished = new HashSet<>();
            TrainingProgress progress = new TrainingProgress();
            NormalizationStats stats = null;
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (!Messages.belongsTo(record, spec.pipeline()) || finished.contains(partition)) {
                        continue;
                    }
                    if (Messages.isEndOfData(record)) {
                        finished.add(partition);
                        consumer.pause(List.of(partition));
                        continue;
                    }
                    Batch batch = BatchCodec.decode(record.value());
                    if (session == null) {
                        stats = new StatsLookup(kafka).await(spec.pipeline(), batch.statsVersion(), Duration.ofSeconds(60));
                        session = new TrainingSession(spec, stats, threads);
                        LOG.infof("training '%s': %d inputs, hidden %s, %d outputs", spec.pipeline(),
                                stats.inputSize(), spec.model().hidden(), stats.outputSize());
                    }
                    long start = System.nanoTime();
                    float loss = session.step(batch);
                    progress.recordStep(batch.rows(), loss, System.nanoTime() - start);
                    if (progress.step() % spec.train().checkpointEvery() == 0) {
                        checkpoints.publish(session, stats, progress, false);
                    }
                }
                if (!finished.isEmpty() && finished.size() == partitions.size()) {
                    finished.clear();
                    if (session == null) {
                        LOG.warnf("end of data for '%s' before any batch; waiting for data", spec.pipeline());
                        consumer.resume(partitions);
                        continue;
                    }
                    boolean last = progress.epoch() >= spec.train().epochs();
                    boolean alreadySaved = progress.step() % spec.train().checkpointEvery() == 0;
                    if (last || !alreadySaved) {
                        checkpoints.publish(session, stats, progress, last);
                    }
                    if (last) {
                        LOG.infof("training of '%s' complete: %d epochs, %d steps, %d samples", spec.pipeline(),
                                progress.epoch(), progress.step(), progress.samples());
                        return;
                    }
                    progress.nextEpoch();
                    consumer.resume(partitions);
                    consumer.seekToBeginning(partitions);
                }
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (Exception e) {
            LOG.error("training stopped", e);
            Quarkus.asyncExit(1);
        } finally {
            if (session != null) {
                session.close();
            }
            consumer.close();
        }
    }
}
