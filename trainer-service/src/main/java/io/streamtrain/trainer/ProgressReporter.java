package io.streamtrain.trainer;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Publishes the trainer's progress. In: every training step (rows, loss, time). Out: a {@link ProgressEvent} on
 * {@code streamtrain.progress.v1} at most once per {@code streamtrain.trainer.progress-interval}, with the mean
 * loss and throughput since the previous one (also the loss, rate and lag gauges of {@link TrainerMetrics}). Sends are not awaited: progress is informative.
 */
@ApplicationScoped
public class ProgressReporter {

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final long intervalNanos;
    private final KafkaProducer<String, byte[]> producer;
    private final TrainerMetrics metrics;
    private final String trainer;
    private long lastSent = System.nanoTime();
    private double lossSum;
    private long steps;
    private long rows;
    private long nanos;

    public ProgressReporter(PipelineSpec spec, PipelineRun run, KafkaSettings kafka, TrainerMetrics metrics,
                            @ConfigProperty(name = "streamtrain.trainer.progress-interval") Duration interval,
                            @ConfigProperty(name = "streamtrain.instance-id") String trainer) {
        this.spec = spec;
        this.run = run;
        this.trainer = trainer;
        this.metrics = metrics;
        this.intervalNanos = interval.toNanos();
        this.producer = new KafkaProducer<>(kafka.producer("trainer-progress-" + spec.pipeline()));
    }

    /** Records a step; publishes when the interval has passed. {@code lag} is asked only then. */
    void step(TrainingProgress progress, int batchRows, float loss, long stepNanos, LongSupplier lag) {
        lossSum += loss;
        steps++;
        rows += batchRows;
        nanos += stepNanos;
        publishIfDue(progress, lag);
    }

    /** A batch that was not trained: the progress (its skip count and reason) still goes out on the interval. */
    void skipped(TrainingProgress progress, LongSupplier lag) {
        publishIfDue(progress, lag);
    }

    /**
     * The trainer is idle: steps not yet reported go out now, so that the last event of a burst (a segment, a wave)
     * shows where training stands instead of a step some way before it.
     */
    void idle(TrainingProgress progress, LongSupplier lag) {
        if (steps > 0 && System.nanoTime() - lastSent >= intervalNanos / 5) {
            publish(progress, lag);
        }
    }

    private void publishIfDue(TrainingProgress progress, LongSupplier lag) {
        if (System.nanoTime() - lastSent >= intervalNanos) {
            publish(progress, lag);
        }
    }

    private void publish(TrainingProgress progress, LongSupplier lag) {
        long now = System.nanoTime();
        ProgressEvent event = new ProgressEvent(SchemaVersion.CURRENT, spec.pipeline(), progress.epoch(),
                progress.step(), progress.samples(), steps == 0 ? Double.NaN : lossSum / steps,
                nanos == 0 ? 0 : rows * 1e9 / nanos,
                lag.getAsLong(), System.currentTimeMillis(), progress.skipped(), progress.lastSkipReason(), trainer,
                run.runId());
        metrics.window(event.loss(), event.samplesPerSecond(), event.lag());
        producer.send(run.data(Topics.PROGRESS, spec.pipeline(), EventCodec.toBytes(event)));
        lastSent = now;
        lossSum = 0;
        steps = 0;
        rows = 0;
        nanos = 0;
    }

    @PreDestroy
    void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
