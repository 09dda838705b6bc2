package io.streamtrain.evaluator;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.OffsetCommits;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.PollingThread;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Feeds checkpoint events of the pipeline's run to the {@link CheckpointEvaluator}, one at a time (those of other
 * runs are passed over). In: {@code streamtrain.checkpoints.v1}
 * in the group {@code streamtrain-evaluator-service-<pipeline>}, as its static member {@code streamtrain.instance-id}
 * (a restart under the same id gets the partition back at once). Out: each event's offset, committed once the
 * event is handled; a failed commit is retried ({@link OffsetCommits}). An event handled but not committed (a kill,
 * a broker restart) comes again and the evaluator skips it. Starts after the evaluator restored its champion;
 * on each assignment the evaluator first catches up with what other replicas evaluated.
 */
@ApplicationScoped
public class CheckpointFeed {

    private static final Logger LOG = Logger.getLogger(CheckpointFeed.class);

    private final CheckpointEvaluator evaluator;
    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;
    private final String instanceId;
    private KafkaConsumer<String, byte[]> consumer;
    private PollingThread loop;

    public CheckpointFeed(CheckpointEvaluator evaluator, PipelineSpec spec, PipelineRun run,
                          KafkaSettings kafka,
                          @ConfigProperty(name = "streamtrain.instance-id") String instanceId) {
        this.evaluator = evaluator;
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
        this.instanceId = instanceId;
    }

    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) {
        Properties settings = kafka.groupMember("evaluator-" + spec.pipeline() + "-" + instanceId,
                "streamtrain-evaluator-service-" + spec.pipeline(), instanceId);
        // One event per poll: an evaluation can take a minute, far below max.poll.interval.ms.
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        consumer = new KafkaConsumer<>(settings);
        consumer.subscribe(List.of(Topics.CHECKPOINTS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                // Nothing held: every handled event is committed before the next poll.
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                if (!partitions.isEmpty()) {
                    evaluator.resume();
                }
            }
        });
        loop = PollingThread.start("checkpoint-feed", this::run, consumer);
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    private void run(PollingThread polling) {
        OffsetCommits commits = new OffsetCommits(consumer);
        try {
            while (polling.running()) {
                commits.retryPending();
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (run.owns(record)) {
                        evaluator.onCheckpoint(record.value());
                    }
                    commits.processed(record);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // Shutting down.
        } catch (RuntimeException e) {
            LOG.error("evaluation stopped; the service exits and a restart resumes from the last committed checkpoint",
                    e);
            Quarkus.asyncExit(1);
        } finally {
            consumer.close();
        }
    }
}
