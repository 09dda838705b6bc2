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
 * trainer runs (to size its run) and twice after it; publishes the statistics, the batches and an end-of-data
 * marker to a local broker, on a train batch topic emptied of the previous batch size's batches; starts the
 * packaged trainer-service and reads its progress events. Once the trainer has run for half of the run's
 * seconds (its start and JIT warm-up), the trainer and the in-memory ceiling are measured in turns
 * ({@link PairedWindows}): the machine's speed drifts by up to 30% within minutes on a shared machine, which
 * rates measured a minute apart cannot tell from the trainer's own cost. The trainer's windows include epoch
 * turns, fetching, decoding, checkpoints and progress publishing. Prints the paired rates and their median
 * ratio, the in-memory rates measured apart, the trainer's rate in its warm-up and inside optimizer steps, its
 * peak RSS and its mean checkpoint time.
 *
 * <p>Run: {@code bench/trainer.sh [ROWS_PER_EPOCH] [SECONDS_PER_RUN] [BATCH_SIZES]}.
 */
public final class TrainerThroughput {

    private static final double IN_MEMORY_SECONDS = 3;
    private static final double IN_MEMORY_WARMUP_SECONDS = 2;
    private static final int IN_MEMORY_RUNS_BEFORE = 3;
    private static final int IN_MEMORY_RUNS_AFTER = 2;
    /** The length of each window of the paired measurement ({@link PairedWindows}), for runs of 32 s and more. */
    private static final double PAIRED_WINDOW_SECONDS = 4;

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
                // Sized for half as long again as the run: the machine may be faster during the run than just before
                // it, and the pairs need the second half.
                int epochs = (int) Math.max(2, Math.min(600, Math.ceil(ceilingBefore * seconds * 1.5
                        / samplesPerEpoch)));
                fixture.clearTrainBatches();
                fixture.publishStats(stats);
                fixture.publish(batches);
                fixture.endOfData(pipeline, batches.size(), samplesPerEpoch);
                PairedWindows.Result pairs;
                double warmUp;
                double stepsOnly;
                double checkpointMillis;
                long rss;
                try (WarmCeiling<DirectBatch> ceilingNow = new WarmCeiling<>(inMemorySpec, stats, direct,
                        DirectBatch::rows, TrainingSession::step)) {
                    ceilingNow.rate(IN_MEMORY_WARMUP_SECONDS);
                    try (TrainerFixture.Events events = fixture.new Events(pipeline);
                         LocalServices trainer = fixture.startTrainer(home, work, pipeline,
                                 problem.spec(pipeline, size, epochs, ""), "256m",
                                 List.of("-Dstreamtrain.trainer.progress-interval=PT0.25S"))) {
                        PairedWindows paired = new PairedWindows(trainer.processes().get(0).pid(), ceilingNow,
                                seconds / 2, Math.max(0.5, Math.min(PAIRED_WINDOW_SECONDS, seconds / 8)));
                        events.awaitFinal(trainer, Duration.ofMinutes(10), paired::afterPoll);
                        pairs = paired.result(events.progress);
                        warmUp = warmUpRate(events.progress, paired.pairsFrom());
                        stepsOnly = BenchSupport.median(events.progress.stream()
                                .mapToDouble(ProgressEvent::samplesPerSecond).toArray());
                        rss = BenchSupport.peakRss(trainer.processes().get(0).pid());
                        checkpointMillis = TrainerFixture.meanCheckpointMillis(trainer);
                    }
                }
                for (int run = IN_MEMORY_RUNS_BEFORE; run < inMemory.length; run++) {
                    inMemory[run] = inMemoryRate(inMemorySpec, stats, direct, DirectBatch::rows, TrainingSession::step);
                    fromArrays[run] = inMemoryRate(inMemorySpec, stats, batches, Batch::rows, TrainingSession::step);
                }
                double ceiling = BenchSupport.median(inMemory);
                lines.add(String.format(Locale.ROOT,
                        "  %10d %14.0f %14.0f %12s %14.0f %14.0f %14.0f %16.0f %14.0f %8d %14.1f",
                        size, pairs.ceilingRate(), pairs.trainerRate(), pairs.ratios().length == 0 ? "-"
                                : String.format(Locale.ROOT, "%.2f (%d)", BenchSupport.median(pairs.ratios()),
                                pairs.ratios().length),
                        ceiling, BenchSupport.median(fromArrays), warmUp, stepsOnly, rss / 1048576.0, epochs,
                        checkpointMillis));
                System.out.println(lines.get(lines.size() - 1));
            }
            fixture.close();
        } finally {
            BenchSupport.deleteTree(work);
        }
        System.out.printf(Locale.ROOT, "%nTrainer throughput: 50 features, 7 classes, hidden [64, 32], Adam, one "
                + "thread, %,d rows per epoch%n", rows);
        System.out.printf(Locale.ROOT, "  %10s %14s %14s %12s %14s %14s %14s %16s %14s %8s %14s%n", "batch",
                "in-memory/s", "trainer/s", "ratio", "unpaired/s", "float[]/s", "warm-up/s", "trainer steps/s",
                "peak RSS (MB)", "epochs", "checkpoint ms");
        lines.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "  in-memory/s, trainer/s, ratio: measured in turns once the trainer has"
                + " run for half of SECONDS_PER_RUN (its warm-up): the trainer trains for a window (%.0f s in runs"
                + " of 32 s or more), is stopped"
                + " (SIGSTOP) while the same model trains from memory in this JVM for a window, and goes on; ratio"
                + " is the median over the pairs of the trainer's rate in its window to the in-memory rate in the"
                + " window right after (pairs in brackets; target at least 0.9), the rates are the trainer's over"
                + " all its windows and the median in-memory rate. unpaired/s: the in-memory rate measured apart,"
                + " median of %d runs (%d before the trainer, %d after), each %.0f s after %.0f s of warm-up;"
                + " float[]/s: the same from heap arrays, copied into native memory each step; warm-up/s: the"
                + " trainer's rate before the pairs, start and JIT warm-up included; trainer steps/s: its rate"
                + " counting only the time inside training steps (median of its progress events)%n",
                PAIRED_WINDOW_SECONDS, IN_MEMORY_RUNS_BEFORE + IN_MEMORY_RUNS_AFTER, IN_MEMORY_RUNS_BEFORE,
                IN_MEMORY_RUNS_AFTER, IN_MEMORY_SECONDS, IN_MEMORY_WARMUP_SECONDS);
        System.out.printf(Locale.ROOT, "  peak RSS of this JVM (in-memory runs and broker client): %.0f MB%n",
                BenchSupport.peakRss(ProcessHandle.current().pid()) / 1048576.0);
    }

    /**
     * The in-memory ceiling: one session trained on the batches in turn, kept between calls of {@link #rate} so
     * it stays warm (the steps go on where the last call stopped).
     */
    static final class WarmCeiling<B> implements PairedWindows.Ceiling, AutoCloseable {

        private final TrainingSession session;
        private final List<B> batches;
        private final ToIntFunction<B> rows;
        private final Step<B> training;
        private long step;

        WarmCeiling(PipelineSpec spec, NormalizationStats stats, List<B> batches, ToIntFunction<B> rows,
                    Step<B> training) {
            this.session = new TrainingSession(spec, stats, 1);
            this.batches = batches;
            this.rows = rows;
            this.training = training;
        }

        /** Trains for at least {@code seconds}; returns samples per second. */
        @Override
        public double rate(double seconds) {
            long samples = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                B batch = batches.get((int) (step % batches.size()));
                training.step(session, batch, ++step);
                samples += rows.applyAsInt(batch);
            }
            return samples / ((System.nanoTime() - start) / 1e9);
        }

        @Override
        public void close() {
            session.close();
        }
    }

    /**
     * Steady-state samples per second of a fresh session: after {@code IN_MEMORY_WARMUP_SECONDS} of warm-up,
     * cycles over the batches for at least {@code IN_MEMORY_SECONDS} seconds.
     */
    static <B> double inMemoryRate(PipelineSpec spec, NormalizationStats stats, List<B> batches,
                                   ToIntFunction<B> rows, Step<B> training) {
        try (WarmCeiling<B> ceiling = new WarmCeiling<>(spec, stats, batches, rows, training)) {
            ceiling.rate(IN_MEMORY_WARMUP_SECONDS);
            return ceiling.rate(IN_MEMORY_SECONDS);
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

    /** The trainer's rate from its first progress event to the last one before {@code until} (epoch ms). */
    static double warmUpRate(List<ProgressEvent> progress, long until) {
        List<ProgressEvent> before = progress.stream().filter(e -> until < 0 || e.createdAt() <= until).toList();
        if (before.size() < 2) {
            return Double.NaN;
        }
        return rate(before.get(0), before.get(before.size() - 1));
    }

    /** Samples between two progress events over the time between them. */
    static double rate(ProgressEvent first, ProgressEvent last) {
        return (last.samplesSeen() - first.samplesSeen()) / ((last.createdAt() - first.createdAt()) / 1000.0);
    }
}
