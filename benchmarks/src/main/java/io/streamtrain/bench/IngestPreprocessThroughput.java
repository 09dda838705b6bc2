package io.streamtrain.bench;

import io.streamtrain.cli.Home;
import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * Throughput of ingest-service and preprocess-service against raw Kafka on the same broker in the same run.
 *
 * <p>Starts a local broker, measures ProducerPerformance and ConsumerPerformance with records of the pipeline's
 * size, loads N JSON records of 10 features into the ingest topic, then starts ingest-service alone and times
 * its output (10% to 90% of the records topic), then preprocess-service alone and times its committed progress.
 * Prints records/s, each stage's ratio to the raw rates, and the peak resident memory (VmHWM) of each service.
 *
 * <p>Run: {@code bench/throughput.sh [RECORDS] [SERVICE_HEAP]}.
 */
public final class IngestPreprocessThroughput {

    private static final String PIPELINE = "bench";

    public static void main(String[] args) throws Exception {
        long records = args.length > 0 ? Long.parseLong(args[0]) : 500_000;
        String heap = args.length > 1 ? args[1] : "128m";
        Home home = Home.locate();
        Path work = Files.createTempDirectory("streamtrain-bench");
        Path spec = Files.writeString(work.resolve("bench.yaml"), """
                pipeline: bench
                data:
                  label: label
                  task: classification
                  classes: [a, b]
                """);
        try (LocalBroker broker = LocalBroker.start(work, Duration.ofSeconds(90))) {
            String bootstrap = broker.bootstrapServers();
            TopicAdmin.ensureTopics(bootstrap, 1);
            byte[][] samples = sampleRecords(1000);
            int recordSize = samples[0].length;
            double[] produced = new double[3];
            double[] consumed = new double[3];
            for (int run = 0; run < 3; run++) {
                createTopic(bootstrap, "bench.raw" + run);
                produced[run] = KafkaBaseline.produce(bootstrap, "bench.raw" + run, records, recordSize, work);
                consumed[run] = KafkaBaseline.consume(bootstrap, "bench.raw" + run, records, work);
            }
            double rawProduce = BenchSupport.median(produced);
            double rawConsume = BenchSupport.median(consumed);
            long loadStart = System.nanoTime();
            load(new KafkaSettings(bootstrap), samples, records);
            double loadRate = records / ((System.nanoTime() - loadStart) / 1e9);

            List<String> jvm = List.of("-Xmx" + heap, "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=96m",
                    "-XX:ReservedCodeCacheSize=64m", "-XX:TieredStopAtLevel=4");
            double ingest;
            long ingestRss;
            try (Admin admin = admin(bootstrap);
                 LocalServices services = LocalServices.start(home, List.of("ingest-service"), spec, bootstrap, work,
                         Duration.ofSeconds(120), jvm)) {
                ingest = rate(records, () -> endOffset(admin, Topics.RECORDS) - 1, services);
                ingestRss = BenchSupport.peakRss(services.processes().get(0).pid());
            }
            double preprocess;
            long preprocessRss;
            try (Admin admin = admin(bootstrap);
                 LocalServices services = LocalServices.start(home, List.of("preprocess-service"), spec, bootstrap,
                         work, Duration.ofSeconds(120), jvm)) {
                preprocess = rate(records, () -> committed(admin, "streamtrain-preprocess-" + PIPELINE), services);
                preprocessRss = BenchSupport.peakRss(services.processes().get(0).pid());
            }
            System.out.printf(Locale.ROOT, "%nStreamTrain throughput: %,d records of %d bytes (10 features), one "
                    + "broker and the services on this machine, service heap %s%n", records, recordSize, heap);
            System.out.printf(Locale.ROOT, "  %-38s %12s %10s %14s%n", "", "records/s", "ratio", "peak RSS (MB)");
            row("Kafka ProducerPerformance (median of 3)", rawProduce, 1.0, -1);
            row("Kafka ConsumerPerformance (median of 3)", rawConsume, 1.0, -1);
            row("loading the ingest topic (1 producer)", loadRate, loadRate / rawProduce, -1);
            row("ingest-service (vs raw produce)", ingest, ingest / rawProduce, ingestRss);
            row("preprocess-service (vs raw produce)", preprocess, preprocess / rawProduce, preprocessRss);
            System.out.printf(Locale.ROOT, "  targets: each stage at least 0.5 of the raw rate; peak RSS at most 256 MB%n");
        }
    }

    private static void row(String name, double rate, double ratio, long rssBytes) {
        System.out.printf(Locale.ROOT, "  %-38s %,12.0f %10.2f %14s%n", name, rate, ratio,
                rssBytes < 0 ? "" : String.format(Locale.ROOT, "%.0f", rssBytes / 1048576.0));
    }

    /** 10-feature records: nine numbers and one category, plus the label. */
    private static byte[][] sampleRecords(int count) {
        Random random = new Random(1);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            StringBuilder json = new StringBuilder("{");
            for (int f = 0; f < 9; f++) {
                json.append(String.format(Locale.ROOT, "\"f%d\": %.6f, ", f, random.nextGaussian() * 10));
            }
            json.append("\"colour\": \"").append(random.nextBoolean() ? "red" : "green").append("\", \"label\": \"")
                    .append(random.nextBoolean() ? "a" : "b").append("\"}");
            out[i] = json.toString().getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static void load(KafkaSettings kafka, byte[][] samples, long records) {
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("bench-loader"))) {
            for (long i = 0; i < records; i++) {
                producer.send(Messages.data(Topics.INGEST, PIPELINE, "r" + i, samples[(int) (i % samples.length)]));
            }
        }
    }

    /** Records per second between 10% and 90% of the records, as {@code progress} reports them. */
    private static double rate(long records, LongSupplier progress, LocalServices services) throws InterruptedException {
        long low = records / 10;
        long high = records * 9 / 10;
        long lowAt = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            services.checkAlive();
            long done = progress.getAsLong();
            long now = System.nanoTime();
            if (lowAt == 0 && done >= low) {
                lowAt = now;
            }
            if (done >= high) {
                return (high - low) / ((now - lowAt) / 1e9);
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the stage did not get through the records within 10 minutes");
    }

    private static Admin admin(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(props);
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1))).all().get();
        }
    }

    private static long endOffset(Admin admin, String topic) {
        try {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long committed(Admin admin, String group) {
        try {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(Topics.RECORDS, 0));
            return offset == null ? 0 : offset.offset();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
