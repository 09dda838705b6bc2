package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * How fast evaluator-service decides and answers, for a model of about 100,000 parameters (50 features, hidden
 * [320, 256], 7 classes) and 10,000 validation rows.
 *
 * <p>Checkpoint to verdict: checkpoints are written to disk, then announced one at a time; the time from sending
 * the checkpoint event to receiving its evaluation event (digest check, loading, scoring the challenger and the
 * champion on every validation row, the gate, publishing) is measured for each. Prediction: single-record
 * requests to {@code POST /pipelines/{name}/predict}, one at a time (latency percentiles) and from four concurrent
 * clients for a few seconds (throughput). Latencies are measured with {@link KeepAliveHttpClient} beside a
 * baseline, {@code GET /q/health/live} on the same connection, and once more through the JDK's client.
 *
 * <p>Run: {@code bench/evaluator.sh [CHECKPOINTS (default 8)] [REQUESTS (default 3000)]}; the evaluator's JVM
 * options come from {@code -Dbench.evaluator.jvm}, comma-separated (default {@code -Xmx512m,-XX:+UseSerialGC}).
 */
public final class EvaluatorLatency {

    private static final String PIPELINE = "evaluator-bench";

    public static void main(String[] args) throws Exception {
        int checkpointCount = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int requests = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-evaluator-bench");
        SyntheticClusters problem = new SyntheticClusters(50, 7, 1);
        String specText = problem.spec(PIPELINE, 250, 1, "").replace("hidden: [64, 32]", "hidden: [320, 256]");
        PipelineSpec spec = SpecLoader.parse(specText);
        NormalizationStats stats = problem.stats(PIPELINE);
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            TopicAdmin.ensureTopics(broker.bootstrapServers(), 1);
            KafkaSettings kafka = new KafkaSettings(broker.bootstrapServers());
            List<CheckpointEvent> checkpoints = writeCheckpoints(spec, stats, problem, work.resolve("checkpoints"),
                    checkpointCount);
            long parameters = parameterCount(spec, stats);
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench"))) {
                for (Batch batch : problem.batches(PIPELINE, 40, 250, 99)) {
                    producer.send(Messages.data(Topics.BATCHES_VALIDATION, PIPELINE, batch.batchId(),
                            BatchCodec.encode(batch)));
                }
                producer.send(Messages.endOfData(Topics.BATCHES_VALIDATION, 0,
                        new EndOfData(SchemaVersion.CURRENT, PIPELINE, "validation-batches", 40, 10_000)));
                producer.flush();
                Path specFile = Files.writeString(work.resolve("pipeline.yaml"), specText);
                try (LocalServices evaluator = LocalServices.start(home, List.of("evaluator-service"), specFile,
                        broker.bootstrapServers(), work, Duration.ofSeconds(180),
                        List.of(System.getProperty("bench.evaluator.jvm", "-Xmx512m,-XX:+UseSerialGC").split(",")));
                     KafkaConsumer<String, byte[]> verdicts = new KafkaConsumer<>(kafka.consumer("bench-verdicts",
                             null))) {
                    TopicPartition partition = new TopicPartition(Topics.EVALUATIONS, 0);
                    verdicts.assign(List.of(partition));
                    verdicts.seekToEnd(List.of(partition));
                    verdicts.position(partition);
                    double[] millis = new double[checkpoints.size()];
                    long rows = 0;
                    for (int i = 0; i < checkpoints.size(); i++) {
                        long sent = System.nanoTime();
                        producer.send(Messages.data(Topics.CHECKPOINTS, PIPELINE, PIPELINE,
                                EventCodec.toBytes(checkpoints.get(i)))).get();
                        EvaluationEvent verdict = awaitVerdict(verdicts, checkpoints.get(i).checkpointId(),
                                evaluator);
                        millis[i] = (System.nanoTime() - sent) / 1e6;
                        rows = verdict.validationRows();
                        System.out.printf(Locale.ROOT, "  %s: %s after %.0f ms%n", verdict.checkpointId(),
                                verdict.verdict(), millis[i]);
                    }
                    int port = evaluator.ports().get("evaluator-service");
                    String path = "/pipelines/" + PIPELINE + "/predict";
                    String url = "http://127.0.0.1:" + port + path;
                    double[] baseline;
                    double[] latencies;
                    try (KeepAliveHttpClient http = new KeepAliveHttpClient("127.0.0.1", port)) {
                        baseline = latencies(requests, () -> () -> check(http.get("/q/health/live")));
                        Random random = new Random(1);
                        latencies = latencies(requests, () -> {
                            String body = recordJson(random);
                            return () -> check(http.postJson(path, body));
                        });
                    }
                    HttpClient jdk = HttpClient.newHttpClient();
                    Random jdkRandom = new Random(2);
                    double[] jdkClient = latencies(requests, () -> {
                        HttpRequest request = request(url, jdkRandom);
                        return () -> send(jdk, request);
                    });
                    double throughput = concurrentThroughput(url, 4, Duration.ofSeconds(5));
                    double[] sortedMillis = millis.clone();
                    Arrays.sort(sortedMillis);
                    System.out.printf(Locale.ROOT, "%nEvaluator latency: %,d-parameter model, %,d validation rows%n",
                            parameters, rows);
                    System.out.printf(Locale.ROOT, "  checkpoint event to evaluation event: median %.0f ms, max %.0f"
                            + " ms over %d checkpoints (the first has no champion to re-score)%n",
                            BenchSupport.median(millis), sortedMillis[sortedMillis.length - 1], millis.length);
                    System.out.printf(Locale.ROOT, "  predict, one record per request, sequential: p50 %.2f ms, p99"
                            + " %.2f ms, max %.2f ms over %d requests%n", BenchSupport.percentile(latencies, 0.50),
                            BenchSupport.percentile(latencies, 0.99), latencies[latencies.length - 1], latencies.length);
                    System.out.printf(Locale.ROOT, "  baseline, GET /q/health/live, sequential: p50 %.2f ms, p99 %.2f"
                            + " ms (the HTTP stack and this machine; predict p99 / baseline p99 = %.2f)%n",
                            BenchSupport.percentile(baseline, 0.50), BenchSupport.percentile(baseline, 0.99),
                            BenchSupport.percentile(latencies, 0.99) / BenchSupport.percentile(baseline, 0.99));
                    System.out.printf(Locale.ROOT, "  predict through the JDK's HttpClient (thread hand-offs in the"
                            + " client): p50 %.2f ms, p99 %.2f ms%n", BenchSupport.percentile(jdkClient, 0.50),
                            BenchSupport.percentile(jdkClient, 0.99));
                    System.out.printf(Locale.ROOT, "  predict, one record per request, 4 concurrent clients: %.0f"
                            + " requests/s%n", throughput);
                    System.out.printf(Locale.ROOT, "  targets: checkpoint to verdict under 1 s; predict p99 under 5"
                            + " ms%n");
                }
            }
        } finally {
            BenchSupport.deleteTree(work);
        }
    }

    /** Checkpoints after 0, 5, 10, ... training steps, so most evaluations compare two different models. */
    private static List<CheckpointEvent> writeCheckpoints(PipelineSpec spec, NormalizationStats stats,
                                                          SyntheticClusters problem, Path root, int count)
            throws Exception {
        List<CheckpointEvent> events = new ArrayList<>();
        CheckpointWriter writer = new CheckpointWriter(root);
        List<Batch> batches = problem.batches(PIPELINE, 5 * count, 250, 5);
        try (TrainingSession session = new TrainingSession(spec, stats, 1)) {
            long step = 0;
            for (int i = 0; i < count; i++) {
                for (int s = 0; s < 5 && i > 0; s++) {
                    session.step(batches.get((int) step), ++step);
                }
                String id = String.format("e001-s%08d", step);
                CheckpointWriter.Written written = writer.write(session, new CheckpointManifest(SchemaVersion.CURRENT,
                        PIPELINE, id, 1, step, step * 250, spec.hash(), null, stats, System.currentTimeMillis()));
                events.add(new CheckpointEvent(SchemaVersion.CURRENT, PIPELINE, id, 1, step, step * 250, 1,
                        spec.hash(), written.dir().toString(), written.sha256(), 0, 0, false,
                        System.currentTimeMillis()));
            }
        }
        return events;
    }

    private static long parameterCount(PipelineSpec spec, NormalizationStats stats) {
        long count = 0;
        int in = stats.inputSize();
        for (int width : spec.model().hidden()) {
            count += (long) in * width + width;
            in = width;
        }
        return count + (long) in * stats.outputSize() + stats.outputSize();
    }

    private static EvaluationEvent awaitVerdict(KafkaConsumer<String, byte[]> consumer, String checkpointId,
                                                LocalServices evaluator) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            evaluator.checkAlive();
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(5))) {
                EvaluationEvent event = EventCodec.fromBytes(record.value(), EvaluationEvent.class);
                if (event.checkpointId().equals(checkpointId)) {
                    return event;
                }
            }
        }
        throw new IllegalStateException("no evaluation of " + checkpointId + " within 2 minutes");
    }

    private static String recordJson(Random random) {
        StringBuilder json = new StringBuilder("{");
        for (int f = 0; f < 50; f++) {
            json.append(f == 0 ? "" : ",").append("\"f").append(f).append("\":")
                    .append(String.format(Locale.ROOT, "%.4f", random.nextGaussian()));
        }
        return json.append('}').toString();
    }

    private static HttpRequest request(String url, Random random) {
        return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(recordJson(random))).build();
    }

    /** Sends one prepared request and checks its answer. */
    private interface Send {
        void send() throws Exception;
    }

    /** Prepares the next request (outside the timed window) and returns how to send it. */
    private interface NextRequest {
        Send prepare();
    }

    /** Sorted latencies in ms of requests sent one at a time, after 2,000 warm-up requests. */
    private static double[] latencies(int requests, NextRequest next) throws Exception {
        for (int i = 0; i < 2000; i++) {
            next.prepare().send();
        }
        double[] latencies = new double[requests];
        for (int i = 0; i < requests; i++) {
            Send send = next.prepare();
            long start = System.nanoTime();
            send.send();
            latencies[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(latencies);
        return latencies;
    }

    private static void check(KeepAliveHttpClient.Answer answer) {
        if (answer.status() != 200) {
            throw new IllegalStateException("the evaluator answered " + answer.status() + ": " + answer.body());
        }
    }

    private static double concurrentThroughput(String url, int clients, Duration length) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + length.toNanos();
        List<Future<?>> futures = new ArrayList<>();
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int seed = c;
            futures.add(pool.submit(() -> {
                HttpClient http = HttpClient.newHttpClient();
                Random random = new Random(seed);
                while (System.nanoTime() < end) {
                    send(http, request(url, random));
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get();
        }
        pool.shutdown();
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void send(HttpClient http, HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("predict answered " + response.statusCode() + ": " + response.body());
        }
    }
}
