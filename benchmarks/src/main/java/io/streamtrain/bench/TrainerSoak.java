package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Long-run memory of trainer-service in continuous mode: it trains on batches that keep arriving (no end-of-data
 * marker, a checkpoint every 60 s, three kept) for a given time, and its resident memory (VmRSS) is printed at
 * every interval. The verdict compares the last sample with the second one (minute 2 with the default interval):
 * a trainer that frees its native memory every step ends within 5% of it.
 *
 * <p>The feeder keeps between 100 and 200 batches of 256 rows (50 features, 7 classes) waiting, republishing a
 * fixed set, so the trainer never idles and the feeder costs little CPU.
 *
 * <p>Run: {@code bench/soak.sh [MINUTES (default 30)] [INTERVAL_SECONDS (default 60)]}.
 */
public final class TrainerSoak {

    private static final String PIPELINE = "trainer-soak";

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 30;
        int interval = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-soak");
        SyntheticClusters problem = new SyntheticClusters(50, 7, 1);
        List<Batch> batches = problem.batches(PIPELINE, 100, 256, 3);
        List<Long> samples = new ArrayList<>();
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), 1);
            TrainerFixture fixture = new TrainerFixture(broker.bootstrapServers());
            fixture.publishStats(problem.stats(PIPELINE));
            fixture.publish(batches);
            fixture.publish(batches);
            long published = 2L * batches.size();
            String spec = problem.spec(PIPELINE, 256, 1, ", checkpointEverySeconds: 60, keepCheckpoints: 3");
            try (TrainerFixture.Events events = fixture.new Events(PIPELINE);
                 LocalServices trainer = fixture.startTrainer(home, work, PIPELINE, spec, "256m")) {
                ManagedProcess process = trainer.processes().get(0);
                System.out.printf(Locale.ROOT, "Trainer soak: %.1f minutes, RSS every %d s (pid %d)%n", minutes,
                        interval, process.pid());
                System.out.printf(Locale.ROOT, "  %8s %10s %12s %12s%n", "seconds", "RSS (MB)", "step", "samples/s");
                long start = System.nanoTime();
                long end = start + (long) (minutes * 60e9);
                long nextSample = start + interval * 1_000_000_000L;
                while (System.nanoTime() < end) {
                    trainer.checkAlive();
                    events.poll(Duration.ofMillis(500));
                    ProgressEvent last = events.progress.isEmpty() ? null
                            : events.progress.get(events.progress.size() - 1);
                    long trained = last == null ? 0 : last.step();
                    if (published - trained < 100) {
                        fixture.publish(batches);
                        published += batches.size();
                    }
                    if (System.nanoTime() >= nextSample) {
                        long rss = TrainerFixture.currentRss(process);
                        samples.add(rss);
                        System.out.printf(Locale.ROOT, "  %8d %10.1f %12d %12.0f%n",
                                (System.nanoTime() - start) / 1_000_000_000L, rss / 1048576.0, trained,
                                last == null ? 0 : last.samplesPerSecond());
                        nextSample += interval * 1_000_000_000L;
                    }
                }
            }
            fixture.close();
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
