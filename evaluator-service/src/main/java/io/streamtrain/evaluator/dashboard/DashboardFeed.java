package io.streamtrain.evaluator.dashboard;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ModelEvent;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.ConsumerLag;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.PollingThread;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Feeds the dashboard from the topics. In: every message of this deployment's pipeline on the records, dead-letter,
 * progress, evaluation and champion topics, read from the beginning (so a restarted evaluator shows the whole
 * history) without a consumer group, and each stage's consumer lag every {@code streamtrain.dashboard.lag-interval}.
 * Out: the {@link DashboardState} the page reads. Runs on a thread of its own; the evaluation never waits for it.
 */
@ApplicationScoped
public class DashboardFeed {

    private static final Logger LOG = Logger.getLogger(DashboardFeed.class);
    private static final List<String> TOPICS = List.of(Topics.RECORDS, Topics.REJECTED, Topics.PROGRESS,
            Topics.EVALUATIONS, Topics.MODELS);

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;
    private final Duration lagInterval;
    private final DashboardState state;
    private PollingThread loop;

    public DashboardFeed(PipelineSpec spec, PipelineRun run, KafkaSettings kafka,
                         @ConfigProperty(name = "streamtrain.dashboard.lag-interval") Duration lagInterval) {
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
        this.lagInterval = lagInterval;
        this.state = new DashboardState(spec.pipeline(), spec.data().maxBadRecords());
    }

    public DashboardState state() {
        return state;
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stop();
    }

    /** Starts reading the topics from their beginning on a thread of its own. */
    public void start() {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.consumer("evaluator-dashboard-"
                + spec.pipeline(), null));
        loop = PollingThread.start("dashboard-feed", polling -> run(polling, consumer), consumer);
    }

    public void stop() throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    private void run(PollingThread polling, KafkaConsumer<String, byte[]> consumer) {
        try (consumer; Admin admin = Admin.create(kafka.admin("evaluator-dashboard-" + spec.pipeline()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                consumer.partitionsFor(topic, Duration.ofSeconds(60))
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long nextLag = 0;
            while (polling.running()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
                if (System.nanoTime() >= nextLag) {
                    nextLag = System.nanoTime() + lagInterval.toNanos();
                    try {
                        state.lag(ConsumerLag.ofPipeline(admin, run));
                    } catch (Exception e) {
                        LOG.debugf("consumer lag not known now: %s", e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.warn("the dashboard feed stopped; the dashboard shows what it had", e);
        }
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null || !spec.pipeline().equals(Messages.pipelineOf(record))
                || !Messages.belongsToRun(record, run.runId()) || Messages.isEndOfData(record)) {
            return;
        }
        try {
            switch (record.topic()) {
                case Topics.RECORDS -> state.accepted(record.key(), record.timestamp());
                case Topics.REJECTED -> state.rejected(EventCodec.fromBytes(record.value(), RejectedRecord.class),
                        record.timestamp());
                case Topics.PROGRESS -> state.progress(EventCodec.fromBytes(record.value(), ProgressEvent.class));
                case Topics.EVALUATIONS -> state.evaluation(EventCodec.fromBytes(record.value(),
                        EvaluationEvent.class));
                case Topics.MODELS -> state.champion(EventCodec.fromBytes(record.value(), ModelEvent.class));
                default -> {
                }
            }
        } catch (IllegalArgumentException e) {
            LOG.debugf("the dashboard skips an unreadable message on %s: %s", record.topic(), e.getMessage());
        }
    }
}
