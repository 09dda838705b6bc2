package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.model.StepResult;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Samples per second of trainer-service fed from Kafka next to the same DJL model trained from memory in this JVM
 * (the ceiling), for several batch sizes, on a 50-feature, 7-class MLP (hidden [64, 32], Adam, one thread).
 *
 * <p>The ceiling trains on batches that already lie in native memory, the form the trainer's tensors are made
 * from, so it costs nothing but the optimizer steps; beside it is the rate from {@code float[]} arrays on the heap
 * (one copy into native memory per step, how a program holding its data in Java arrays would train).
 *
 * <p>For each batch size: trains in memory for three seconds after two seconds of warm-up, three times before the
 * trainer runs and twice after it (each rate is the median of the five, so a drift of the machine during the
 * trainer's run shows in both); publishes the statistics, the batches and an end-of-data marker to a local
 * broker, on a train batch topic emptied of the previous batch size's batches; starts the packaged
 * trainer-service and reads its progress events. Both rates are steady-state rates, taken once the JIT has
 * settled: the trainer's is the samples between its progress event at the middle of its run and its last one
 * over the time between them (epoch turns, fetching, decoding, checkpoints and progress publishing included); its rate over the whole run, from its first progress event, is printed beside it. Prints
 * the rates, their ratio, the trainer's rate inside optimizer steps, its peak RSS and its mean checkpoint time.
 *
 * <p>Run: {@code bench/trainer.sh [ROWS_PER_EPOCH] [SECONDS_PER_RUN] [BATCH_SIZES]}.
 */
public final class TrainerThroughput {

    private static final double IN_MEMORY_SECONDS = 3;
    private static final double IN_MEMORY_WARMUP_SECONDS = 2;
    private static final int IN_MEMORY_RUNS_BEFORE = 3;
    private static final int IN_MEMORY_RUNS_AFTER = 2;

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 262_144;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 60;
        int[] sizes = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {64, 256, 1024};
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-trainer-bench");
        SyntheticClusters problem = new SyntheticClusters(50, 7, 1);
        List<String> lines = new ArrayList<>();
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), 1);
            TrainerFixture fixture = new TrainerFixture(broker.bootstrapServers());
            for (int size : sizes) {
                String pipeline = "trainer-bench-" + size;
                List<Batch> batches = problem.batches(pipeline, Math.max(1, rows / size), size, 7);
                long samplesPerEpoch = (long) batches.size() * size;
                NormalizationStats stats = problem.stats(pipeline);
                PipelineSpec inMemorySpec = SpecLoader.parse(problem.spec(pipeline, size, 1, ""));
                List<DirectBatch> direct = batches.stream().map(TrainerThroughput::inNativeMemory).toList();
                double[] inMemory = new double[IN_MEMORY_RUNS_BEFORE + IN_MEMORY_RUNS_AFTER];
                double[] fromArrays = new double[inMemory.length];
                for (int run = 0; run < IN_MEMORY_RUNS_BEFORE; run++) {
                    inMemory[run] = inMemoryRate(inMemorySpec, stats, direct, DirectBatch::rows, TrainingSession::step);
                    fromArrays[run] = inMemoryRate(inMemorySpec, stats, batches, Batch::rows, TrainingSession::step);
                }
                double ceilingBefore = BenchSupport.median(Arrays.copyOf(inMemory, IN_MEMORY_RUNS_BEFORE));
                int epochs = (int) Math.max(2, Math.min(400, Math.ceil(ceilingBefore * seconds / samplesPerEpoch)));
                fixture.clearTrainBatches();
                fixture.publishStats(stats);
                fixture.publish(batches);
                fixture.endOfData(pipeline, batches.size(), samplesPerEpoch);
                double service;
                double wholeRun;
                double stepsOnly;
                double checkpointMillis;
                long rss;
                try (TrainerFixture.Events events = fixture.new Events(pipeline);
                     LocalServices trainer = fixture.startTrainer(home, work, pipeline,
                             problem.spec(pipeline, size, epochs, ""), "256m")) {
                    events.awaitFinal(trainer, Duration.ofMinutes(10), e -> { });
                    service = steadyRate(events.progress);
                    wholeRun = rate(events.progress.get(0), events.progress.get(events.progress.size() - 1));
                    stepsOnly = BenchSupport.median(events.progress.stream().mapToDouble(ProgressEvent::samplesPerSecond)
                            .toArray());
                    rss = BenchSupport.peakRss(trainer.processes().get(0).pid());
                    checkpointMillis = TrainerFixture.meanCheckpointMillis(trainer);
                }
                for (int run = IN_MEMORY_RUNS_BEFORE; run < inMemory.length; run++) {
                    inMemory[run] = inMemoryRate(inMemorySpec, stats, direct, DirectBatch::rows, TrainingSession::step);
                    fromArrays[run] = inMemoryRate(inMemorySpec, stats, batches, Batch::rows, TrainingSession::step);
                }
                double ceiling = BenchSupport.median(inMemory);
                lines.add(String.format(Locale.ROOT, "  %10d %14.0f %14.0f %8.2f %14.0f %16.0f %14.0f %14.0f %8d %14.1f",
                        size, ceiling, service, service / ceiling, BenchSupport.median(fromArrays), wholeRun,
                        stepsOnly, rss / 1048576.0, epochs, checkpointMillis));
                System.out.println(lines.get(lines.size() - 1));
            }
            fixture.close();
        } finally {
            BenchSupport.deleteTree(work);
        }
        System.out.printf(Locale.ROOT, "%nTrainer throughput: 50 features, 7 classes, hidden [64, 32], Adam, one "
                + "thread, %,d rows per epoch%n", rows);
        System.out.printf(Locale.ROOT, "  %10s %14s %14s %8s %14s %14s %16s %14s %8s %14s%n", "batch",
                "in-memory/s", "trainer/s", "ratio", "float[]/s", "whole run/s", "trainer steps/s", "peak RSS (MB)",
                "epochs", "checkpoint ms");
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "  in-memory: batches already in native memory, median of %d runs in this"
                + " JVM (%d before the trainer, %d after), each %.0f s after %.0f s of warm-up; float[]: the same from"
                + " heap arrays, copied into native memory each step; trainer: trainer-service fed from Kafka (heap 256m), its"
                + " second half; whole run: from its first progress event; trainer steps/s: its rate counting only"
                + " the time inside training steps (median of its progress events); target ratio at least 0.9%n",
                IN_MEMORY_RUNS_BEFORE + IN_MEMORY_RUNS_AFTER, IN_MEMORY_RUNS_BEFORE, IN_MEMORY_RUNS_AFTER,
                IN_MEMORY_SECONDS, IN_MEMORY_WARMUP_SECONDS);
        System.out.printf(Locale.ROOT, "  peak RSS of this JVM (in-memory runs and broker client): %.0f MB%n",
                BenchSupport.peakRss(ProcessHandle.current().pid()) / 1048576.0);
    }

    /**
     * Steady-state samples per second: after {@code IN_MEMORY_WARMUP_SECONDS} of warm-up, cycles over the batches
     * for at least {@code IN_MEMORY_SECONDS} seconds.
     */
    static <B> double inMemoryRate(PipelineSpec spec, NormalizationStats stats, List<B> batches,
                                   ToIntFunction<B> rows, Step<B> training) {
        try (TrainingSession session = new TrainingSession(spec, stats, 1)) {
            long step = 0;
            long warmupEnd = System.nanoTime() + (long) (IN_MEMORY_WARMUP_SECONDS * 1e9);
            while (System.nanoTime() < warmupEnd) {
                training.step(session, batches.get((int) (step % batches.size())), ++step);
            }
            long samples = 0;
            long start = System.nanoTime();
            long end = start + (long) (IN_MEMORY_SECONDS * 1e9);
            while (System.nanoTime() < end) {
                B batch = batches.get((int) (step % batches.size()));
                training.step(session, batch, ++step);
                samples += rows.applyAsInt(batch);
            }
            return samples / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** One training step on a batch of some form. */
    interface Step<B> {
        StepResult step(TrainingSession session, B batch, long stepNumber);
    }

    /** A batch decoded once into a direct buffer of its own, as the trainer's feed decodes fetched batches. */
    static DirectBatch inNativeMemory(Batch batch) {
        return BatchCodec.decode(ByteBuffer.wrap(BatchCodec.encode(batch)),
                size -> ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder()));
    }

    /**
     * The steady rate of a run: samples between the progress event at the middle of the run (in time; the one
     * before the last when the run is too short) and the last one, over the time between them.
     */
    static double steadyRate(List<ProgressEvent> progress) {
        if (progress.size() < 2) {
            throw new IllegalStateException("too few progress events (" + progress.size() + ") to measure a rate;"
                    + " give each run more seconds");
        }
        ProgressEvent last = progress.get(progress.size() - 1);
        long middle = (progress.get(0).createdAt() + last.createdAt()) / 2;
        int from = progress.size() - 2;
        while (from > 0 && progress.get(from - 1).createdAt() >= middle) {
            from--;
        }
        return rate(progress.get(from), last);
    }

    /** Samples between two progress events over the time between them. */
    static double rate(ProgressEvent first, ProgressEvent last) {
        return (last.samplesSeen() - first.samplesSeen()) / ((last.createdAt() - first.createdAt()) / 1000.0);
    }
}
