package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Long-run memory of trainer-service in continuous mode: batches keep arriving at a steady rate (no end-of-data
 * marker; a checkpoint every 60 s, three kept) and the trainer trains on each as it comes, for a given time; its
 * resident memory (VmRSS) is printed at every interval. The verdict compares the last sample with the second one
 * (minute 2 with the default interval): a trainer that frees its native memory every step ends within 5% of it.
 *
 * <p>The feeder republishes a fixed set of 64-row batches (50 features, 7 classes) at {@code BATCHES_PER_SECOND},
 * and the train topic keeps five minutes of data, so a long soak does not fill the disk.
 *
 * <p>Run: {@code bench/soak.sh [MINUTES (default 30)] [INTERVAL_SECONDS (default 60)] [BATCHES_PER_SECOND
 * (default 200)]}.
 */
public final class TrainerSoak {

    private static final String PIPELINE = "trainer-soak";

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 30;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int perSecond = args.length > 2 ? Integer.parseInt(args[2]) : 200;
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-soak");
        SyntheticClusters problem = new SyntheticClusters(50, 7, 1);
        List<Batch> batches = problem.batches(PIPELINE, 200, 64, 3);
        List<Long> samples = new ArrayList<>();
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), 1);
            TrainerFixture.keepMinutes(broker.bootstrapServers(), Topics.BATCHES_TRAIN, 5);
            TrainerFixture fixture = new TrainerFixture(broker.bootstrapServers());
            fixture.publishStats(problem.stats(PIPELINE));
            String spec = problem.spec(PIPELINE, 64, 1, ", checkpointEverySeconds: 60, keepCheckpoints: 3");
            try (TrainerFixture.Events events = fixture.new Events(PIPELINE);
                 LocalServices trainer = fixture.startTrainer(home, work, PIPELINE, spec, "256m")) {
                ManagedProcess process = trainer.processes().get(0);
                System.out.printf(Locale.ROOT, "Trainer soak: %.1f minutes, %d batches of 64 rows per second, RSS "
                        + "every %d s (pid %d)%n", minutes, perSecond, interval, process.pid());
                System.out.printf(Locale.ROOT, "  %8s %10s %12s %12s%n", "seconds", "RSS (MB)", "step", "samples/s");
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                long nextSample = start + interval * 1_000_000_000L;
                long published = 0;
                while (System.nanoTime() < end) {
                    trainer.checkAlive();
                    long due = (System.nanoTime() - start) * perSecond / 1_000_000_000L;
                    for (; published < due; published++) {
                        fixture.send(batches.get((int) (published % batches.size())));
                    }
                    events.poll(Duration.ofMillis(50));
                    if (System.nanoTime() >= nextSample) {
                        ProgressEvent last = events.progress.isEmpty() ? null
                                : events.progress.get(events.progress.size() - 1);
                        long rss = BenchSupport.currentRss(process.pid());
                        samples.add(rss);
                        System.out.printf(Locale.ROOT, "  %8d %10.1f %12d %12.0f%n",
                                (System.nanoTime() - start) / 1_000_000_000L, rss / 1048576.0,
                                last == null ? 0 : last.step(), last == null ? 0 : last.samplesPerSecond());
                        nextSample += interval * 1_000_000_000L;
                    }
                }
            }
            fixture.close();
        } finally {
            BenchSupport.deleteTree(work);
        }
        if (samples.size() < 3) {
            System.out.println("  too short for a verdict: at least 3 samples are needed");
            return;
        }
        long reference = samples.get(1);
        long last = samples.get(samples.size() - 1);
        double growth = (double) last / reference - 1;
        System.out.printf(Locale.ROOT, "  RSS at the end %.1f MB vs %.1f MB at sample 2: %+.1f%% (%s the 5%% "
                + "target)%n", last / 1048576.0, reference / 1048576.0, growth * 100,
                Math.abs(growth) <= 0.05 ? "within" : "OUTSIDE");
    }
}
