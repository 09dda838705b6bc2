package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.SyncMessage;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.model.InferenceModel;
import io.streamtrain.model.ModelScorer;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What a group of trainers costs and gains: samples per second of one trainer alone (no {@code train.sync}), of a
 * group of one, and of a group of two, each trainer on one thread, on the same batches (50 features, 7 classes,
 * hidden [64, 32]) spread over two partitions; and, from the sync topic, the rounds, the bytes a contribution
 * takes against the model's size, and the time a round added per trainer (group of one against the trainer
 * alone). The rate of a run is its samples over the time from its first progress event (one per 100 ms) to its
 * final checkpoint. A fourth run, a group of two that averages the optimizer state too
 * ({@code train.sync.optimizerState: average}), sets that choice's cost (bytes, time) beside its effect: every
 * run's final model is scored on 20,000 held-out rows of the same clusters (accuracy and log-loss). The clusters
 * overlap (centres drawn with a spread of 0.3 per feature, unit noise), so the models do not all reach the same score.
 *
 * <p>Run: {@code bench/group.sh [ROWS_PER_EPOCH (default 65536)] [EPOCHS (default 3)] [EVERY_STEPS (default 20)]}.
 */
public final class GroupThroughput {

    private static final int BATCH = 64;
    private static final int HELD_OUT_ROWS = 20_000;
    /** Keeps the averaging from being optimized away. */
    private static volatile float sink;

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 65_536;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int everySteps = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-group-bench");
        SyntheticClusters problem = new SyntheticClusters(50, 7, 1, 0.3f);
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), 2);
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers());
            String sync = ", sync: {everySteps: " + everySteps + ", timeoutSeconds: 30}";
            Run alone = run(home, work, kafka, problem, "group-bench-alone", 1, "", rows, epochs);
            Run groupOfOne = run(home, work, kafka, problem, "group-bench-one", 1, sync, rows, epochs);
            Run groupOfTwo = run(home, work, kafka, problem, "group-bench-two", 2, sync, rows, epochs);
            Run averaged = run(home, work, kafka, problem, "group-bench-two-averaged", 2,
                    sync.replace("}", ", optimizerState: average}"), rows, epochs);
            long parameters = 50L * 64 + 64 + 64 * 32 + 32 + 32 * 7 + 7;
            System.out.printf(Locale.ROOT, "%nTrainer groups: 50 features, 7 classes, hidden [64, 32] (%,d parameters,"
                    + " %,d bytes as float32), batches of %d, %,d rows per epoch, %d epochs, averaging every %d"
                    + " steps; two train partitions, one thread per trainer%n", parameters, parameters * 4, BATCH,
                    rows, epochs, everySteps);
            System.out.printf(Locale.ROOT, "  %-40s %12s %8s %8s %16s %10s %10s%n", "run", "samples/s", "ratio",
                    "rounds", "bytes/contrib.", "accuracy", "log-loss");
            for (Run run : List.of(alone, groupOfOne, groupOfTwo, averaged)) {
                System.out.printf(Locale.ROOT, "  %-40s %,12.0f %8.2f %8d %,16.0f %10.4f %10.4f%n", run.label,
                        run.samplesPerSecond, run.samplesPerSecond / alone.samplesPerSecond, run.rounds,
                        run.contributions == 0 ? 0.0 : (double) run.syncBytes / run.contributions,
                        run.heldOut.metrics().get("accuracy"), run.heldOut.metrics().get("log_loss"));
            }
            System.out.printf(Locale.ROOT, "  accuracy and log-loss: the final checkpoint on %,d held-out rows of the"
                    + " same clusters%n", HELD_OUT_ROWS);
            double perRound = groupOfOne.rounds == 0 ? Double.NaN
                    : (groupOfOne.seconds - alone.seconds * groupOfOne.samples / alone.samples) * 1000
                    / groupOfOne.rounds;
            double bytesPerParameter = groupOfOne.contributions == 0 ? Double.NaN
                    : (double) groupOfOne.syncBytes / groupOfOne.contributions / parameters;
            System.out.printf(Locale.ROOT, "  a round costs a trainer about %.2f ms here (group of one against the"
                    + " trainer alone); a contribution is %.2f bytes per parameter (%.2f x float32; base64 in JSON)%n",
                    perRound, bytesPerParameter, bytesPerParameter / 4);
            double nanosPerValue = averagingNanosPerValue(1_000_000, 4);
            System.out.printf(Locale.ROOT, "  decoding and averaging contributions: %.2f ns per parameter per"
                    + " contribution (median of 5, 4 contributions of 1,000,000 parameters)%n", nanosPerValue);
            printCostModel(perRound, bytesPerParameter, nanosPerValue);
        } finally {
            BenchSupport.deleteTree(work);
        }
    }

    /** Median time to decode {@code members} contributions of {@code size} parameters and average them. */
    private static double averagingNanosPerValue(int size, int members) {
        java.util.Random random = new java.util.Random(1);
        List<byte[]> encoded = new ArrayList<>();
        for (int m = 0; m < members; m++) {
            float[] values = new float[size];
            for (int i = 0; i < size; i++) {
                values[i] = (float) random.nextGaussian();
            }
            encoded.add(EventCodec.toBytes(SyncMessage.contribution("cost", 1, "m" + m, 1, 100, List.of(),
                    java.util.Map.of(), List.of(), 0.0, values, null)));
        }
        double[] runs = new double[5];
        for (int run = 0; run < runs.length; run++) {
            long start = System.nanoTime();
            double[] sum = new double[size];
            for (byte[] bytes : encoded) {
                SyncMessage message = EventCodec.fromBytes(bytes, SyncMessage.class);
                float[] values = message.parameterVector();
                for (int i = 0; i < size; i++) {
                    sum[i] += message.samples() * values[i];
                }
            }
            float[] average = new float[size];
            for (int i = 0; i < size; i++) {
                average[i] = (float) (sum[i] / (100.0 * members));
            }
            runs[run] = (System.nanoTime() - start) / (double) size / members;
            sink = average[size / 2];
        }
        return BenchSupport.median(runs);
    }

    /**
     * Sync time per round for larger groups and models, from this run's figures: the fixed cost of a round, every
     * member decoding every contribution, and the broker sending every contribution to every member (at an
     * assumed 1.25 GB/s, 10 Gbit/s, out of one broker).
     */
    private static void printCostModel(double roundMillis, double bytesPerParameter, double nanosPerValue) {
        double brokerBytesPerSecond = 1.25e9;
        System.out.printf(Locale.ROOT, "%n  cost model of one sync round (fixed %.0f ms + decoding N contributions +"
                + " broker sending N x N contributions at 10 Gbit/s):%n", roundMillis);
        System.out.printf(Locale.ROOT, "  %10s %10s %16s %16s %12s %12s%n", "trainers", "params", "bytes/contrib.",
                "broker out/round", "decode ms", "round ms");
        for (long params : new long[] {100_000, 1_000_000}) {
            for (int trainers : new int[] {8, 16, 32, 64}) {
                double contribution = bytesPerParameter * params;
                double brokerOut = contribution * trainers * trainers;
                double decodeMillis = nanosPerValue * params * trainers / 1e6;
                double networkMillis = brokerOut / brokerBytesPerSecond * 1000;
                System.out.printf(Locale.ROOT, "  %10d %,10d %,16.0f %,16.0f %12.1f %,12.0f%n", trainers, params,
                        contribution, brokerOut, decodeMillis, roundMillis + decodeMillis + networkMillis);
            }
        }
    }

    /** Each member's own account of its time, from the line it logs when the run completes. */
    private static void printWhereTimeWent(Path dir, List<String> names) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (String name : names) {
            Path log = dir.resolve("logs").resolve(name + ".log");
            while (System.nanoTime() < deadline) {
                String line = Files.readAllLines(log).stream().filter(l -> l.contains("group training of"))
                        .findFirst().orElse(null);
                if (line != null) {
                    System.out.println("    " + name + ": " + line.substring(line.indexOf("trainer ")));
                    break;
                }
                Thread.sleep(200);
            }
        }
    }

    private record Run(String label, long samples, double seconds, double samplesPerSecond, long rounds,
                       long contributions, long syncBytes, EvaluationResult heldOut) {
    }

    /** The final checkpoint's scores on rows of the same clusters that no trainer saw. */
    private static EvaluationResult heldOut(SyntheticClusters problem, String spec, CheckpointEvent last)
            throws Exception {
        List<Batch> rows = problem.batches("held-out", HELD_OUT_ROWS / 1000, 1000, 99);
        try (InferenceModel model = InferenceModel.load(SpecLoader.parse(spec), Path.of(last.path()), last.sha256(),
                1)) {
            return ModelScorer.score(model, rows, new FeatureEncoder(model.manifest().stats()));
        }
    }

    private static Run run(Home home, Path work, KafkaSettings kafka, SyntheticClusters problem, String pipeline,
                           int trainers, String syncKeys, int rows, int epochs) throws Exception {
        List<Batch> batches = problem.batches(pipeline, Math.max(2, rows / BATCH), BATCH, 7);
        NormalizationStats stats = problem.stats(pipeline);
        TrainerFixture fixture = new TrainerFixture(kafka.bootstrapServers());
        fixture.clearTrainBatches();
        fixture.publishStats(stats);
        fixture.publish(batches);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench-markers"))) {
            for (int partition = 0; partition < 2; partition++) {
                producer.send(Messages.endOfData(Topics.BATCHES_TRAIN, partition, new EndOfData(SchemaVersion.CURRENT,
                        pipeline, "train-batches", batches.size(), (long) batches.size() * BATCH)));
            }
            producer.flush();
        }
        Path dir = Files.createDirectories(work.resolve(pipeline));
        String specText = problem.spec(pipeline, BATCH, epochs, syncKeys);
        Path spec = Files.writeString(dir.resolve("pipeline.yaml"), specText);
        List<String> names = new ArrayList<>();
        for (String name : LocalServices.namesWithTrainers(trainers)) {
            if (LocalServices.serviceOf(name).equals("trainer-service")) {
                names.add(name);
            }
        }
        try (LocalServices group = LocalServices.start(home, names, spec, kafka.bootstrapServers(), dir,
                Duration.ofSeconds(180), List.of("-Xmx256m", "-XX:+UseSerialGC",
                        "-Dstreamtrain.trainer.progress-interval=PT0.1S"));
             TrainerFixture.Events events = fixture.new Events(pipeline)) {
            events.awaitFinal(group, Duration.ofMinutes(20), e -> { });
            ProgressEvent first = events.progress.isEmpty() ? null : events.progress.get(0);
            CheckpointEvent last = events.lastCheckpoint;
            long start = first == null ? last.createdAt() : first.createdAt();
            double seconds = Math.max(1e-3, (last.createdAt() - start) / 1000.0);
            long samples = last.samplesSeen() - (first == null ? 0 : first.samplesSeen());
            long rounds = 0;
            long contributions = 0;
            long bytes = 0;
            for (SyncMessage message : new TopicReader(kafka).events(Topics.SYNC, pipeline, SyncMessage.class)) {
                if (message.kind() == SyncMessage.Kind.CONTRIBUTION) {
                    contributions++;
                    bytes += EventCodec.toBytes(message).length;
                    rounds = Math.max(rounds, message.round());
                }
            }
            if (!syncKeys.isEmpty()) {
                printWhereTimeWent(dir, names);
            }
            String label = syncKeys.isEmpty() ? "1 trainer, no train.sync" : "group of " + trainers
                    + (syncKeys.contains("average") ? ", optimizer state averaged" : "");
            System.out.printf(Locale.ROOT, "  %s: %,d samples in %.1f s%s%n", label, samples, seconds,
                    seconds < 1 ? " (too short to measure: give more rows per epoch or epochs)" : "");
            return new Run(label, samples, seconds, samples / seconds, rounds, contributions, bytes,
                    heldOut(problem, specText, last));
        } finally {
            fixture.close();
        }
    }
}
