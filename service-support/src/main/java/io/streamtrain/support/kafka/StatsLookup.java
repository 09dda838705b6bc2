package io.streamtrain.support.kafka;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.Topics;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Finds a pipeline's normalization statistics on the compacted statistics topic: those of one run (and those
 * without a run header) when given a run id, else every run's.
 */
public final class StatsLookup {

    private final TopicReader reader;
    private final String runId;

    public StatsLookup(KafkaSettings settings) {
        this(settings, null);
    }

    /** A lookup of the statistics of the run {@code runId} (null: any run). */
    public StatsLookup(KafkaSettings settings, String runId) {
        this.reader = new TopicReader(settings);
        this.runId = runId;
    }

    /** The newest statistics of {@code pipeline}, if any were published. */
    public Optional<NormalizationStats> latest(String pipeline) {
        AtomicReference<NormalizationStats> found = new AtomicReference<>();
        reader.readAll(Topics.STATS, record -> {
            if (pipeline.equals(record.key()) && record.value() != null && Messages.belongsToRun(record, runId)) {
                NormalizationStats stats = EventCodec.fromBytes(record.value(), NormalizationStats.class);
                if (found.get() == null || stats.version() >= found.get().version()) {
                    found.set(stats);
                }
            }
        });
        return Optional.ofNullable(found.get());
    }

    /** Waits until statistics of {@code version} (or newer) exist; they are committed before any batch using them. */
    public NormalizationStats await(String pipeline, int version, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<NormalizationStats> stats = latest(pipeline);
            if (stats.isPresent() && stats.get().version() >= version) {
                return stats.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no statistics version " + version + " for pipeline " + pipeline
                        + " on " + Topics.STATS + " after " + timeout.toSeconds() + " s");
            }
            Thread.sleep(500);
        }
    }
}
