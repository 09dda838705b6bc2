package io.streamtrain.trainer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import io.streamtrain.pipeline.spec.PipelineSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The trainer's Prometheus metrics at {@code /q/metrics}, tagged with the pipeline. In: each step, skipped step,
 * progress window and checkpoint. Out: {@code streamtrain_trainer_steps_total}, {@code _samples_total},
 * {@code _skipped_steps_total}, {@code _loss} (mean over the last progress interval), {@code _samples_per_second},
 * {@code _consumer_lag} and {@code _checkpoint_seconds} (a timer: count, sum and max). Registered at startup, so
 * the series exist (at zero) before the first batch.
 */
@Startup
@ApplicationScoped
public class TrainerMetrics {

    private final Counter steps;
    private final Counter samples;
    private final Counter skipped;
    private final Timer checkpoints;
    private final AtomicLong lossBits = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private final AtomicLong rateBits = new AtomicLong(Double.doubleToLongBits(0));
    private final AtomicLong lag = new AtomicLong();

    public TrainerMetrics(MeterRegistry registry, PipelineSpec spec) {
        String pipeline = spec.pipeline();
        steps = Counter.builder("streamtrain.trainer.steps").description("optimizer steps applied")
                .tag("pipeline", pipeline).register(registry);
        samples = Counter.builder("streamtrain.trainer.samples").description("training rows seen")
                .tag("pipeline", pipeline).register(registry);
        skipped = Counter.builder("streamtrain.trainer.skipped.steps")
                .description("batches not applied because their loss or gradients were not finite")
                .tag("pipeline", pipeline).register(registry);
        checkpoints = Timer.builder("streamtrain.trainer.checkpoint").description("time to write and announce a "
                + "checkpoint").tag("pipeline", pipeline).register(registry);
        Tags tags = Tags.of("pipeline", pipeline);
        registry.gauge("streamtrain.trainer.loss", tags, lossBits, bits -> Double.longBitsToDouble(bits.get()));
        registry.gauge("streamtrain.trainer.samples.per.second", tags, rateBits,
                bits -> Double.longBitsToDouble(bits.get()));
        registry.gauge("streamtrain.trainer.consumer.lag", tags, lag, AtomicLong::get);
    }

    void step(int rows) {
        steps.increment();
        samples.increment(rows);
    }

    void skipped() {
        skipped.increment();
    }

    void window(double meanLoss, double samplesPerSecond, long consumerLag) {
        lossBits.set(Double.doubleToLongBits(meanLoss));
        rateBits.set(Double.doubleToLongBits(samplesPerSecond));
        lag.set(consumerLag);
    }

    void checkpoint(long nanos) {
        checkpoints.record(nanos, TimeUnit.NANOSECONDS);
    }
}
