package io.streamtrain.bench;

import io.streamtrain.cli.local.ManagedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw Kafka rates on the same broker, measured with Kafka's own ProducerPerformance and ConsumerPerformance
 * (kafka-tools) in child JVMs: what a stage of the pipeline is compared with.
 */
final class KafkaBaseline {

    private static final Pattern PRODUCED = Pattern.compile("([0-9.]+) records/sec");

    private KafkaBaseline() {
    }

    /** Records per second written with acks=all, linger 5 ms, 64 KiB batches (the services' producer settings). */
    static double produce(String bootstrap, String topic, long records, int recordSize, Path work) throws Exception {
        ManagedProcess tool = ManagedProcess.start("producer-performance", ManagedProcess.java(List.of(
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ProducerPerformance",
                "--topic", topic, "--num-records", Long.toString(records), "--record-size", Integer.toString(recordSize),
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all",
                "linger.ms=5", "batch.size=65536")), Map.of(), work);
        require(tool.waitFor(600) == 0, tool);
        List<String> lines = Files.readAllLines(tool.log());
        Matcher last = null;
        for (String line : lines) {
            Matcher m = PRODUCED.matcher(line);
            if (line.contains("records sent") && m.find()) {
                last = m;
            }
        }
        require(last != null, tool);
        return Double.parseDouble(last.group(1));
    }

    /** Records per second read by one consumer (fetch time, without the group join). */
    static double consume(String bootstrap, String topic, long records, Path work) throws Exception {
        ManagedProcess tool = ManagedProcess.start("consumer-performance", ManagedProcess.java(List.of(
                "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsumerPerformance",
                "--bootstrap-server", bootstrap, "--topic", topic, "--messages", Long.toString(records))), Map.of(), work);
        require(tool.waitFor(600) == 0, tool);
        List<String> lines = Files.readAllLines(tool.log());
        for (int i = 0; i < lines.size() - 1; i++) {
            if (lines.get(i).startsWith("start.time")) {
                List<String> names = List.of(lines.get(i).split(",\\s*"));
                String[] values = lines.get(i + 1).split(",\\s*");
                return Double.parseDouble(values[names.indexOf("fetch.nMsg.sec")]);
            }
        }
        throw new IllegalStateException("no result from ConsumerPerformance: " + tool.logTail(20));
    }

    private static void require(boolean ok, ManagedProcess tool) {
        if (!ok) {
            throw new IllegalStateException(tool.name() + " failed: " + tool.logTail(20));
        }
    }
}
