package io.streamtrain.cli;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.Messages;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain watch}: follows the evaluation events of a running deployment, one readable line each (or
 * the event as JSON). In: {@code streamtrain.evaluations.v1}, from now or from the beginning, without a consumer
 * group. Out: a line per evaluation until Ctrl-C, {@code --limit} lines, or {@code --timeout} without one.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow evaluation events: checkpoint, metric, verdict and reason, one line each.",
        footer = {"", "Examples:",
                "  ./streamtrain watch --kafka localhost:9092                      # every pipeline, from now on",
                "  ./streamtrain watch --pipeline shuttle --from-beginning --limit 5",
                "  ./streamtrain watch --pipeline shuttle --json | jq -c '{checkpointId, verdict}'",
                "", "Exit codes: 0 stopped (limit, timeout or Ctrl-C), 2 bad usage or Kafka refused the login."})
public final class WatchCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(names = "--pipeline", description = "Only this pipeline's evaluations (default: every pipeline).")
    String pipeline;

    @Option(names = "--from-beginning", description = "Start with the oldest evaluation kept, not with the next.")
    boolean fromBeginning;

    @Option(names = "--limit", defaultValue = "0", description = "Stop after this many (default: never).")
    int limit;

    @Option(names = "--timeout", description = "Stop after this long without a new evaluation (ISO-8601).")
    Duration timeout;

    @Option(names = "--json", description = "Print each event as JSON (one object per line).")
    boolean json;

    @Override
    public Integer call() {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.settings()
                .consumer("streamtrain-cli-watch", null))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.EVALUATIONS, Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(Topics.EVALUATIONS, p.partition())).toList();
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            Thread main = Thread.currentThread();
            Thread stop = new Thread(consumer::wakeup);
            Runtime.getRuntime().addShutdownHook(stop);
            int shown = 0;
            long lastSeen = System.nanoTime();
            try {
                while (limit == 0 || shown < limit) {
                    if (timeout != null && System.nanoTime() - lastSeen > timeout.toNanos()) {
                        break;
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        if (record.value() == null || pipeline != null && !pipeline.equals(Messages.pipelineOf(record))) {
                            continue;
                        }
                        EvaluationEvent event = EventCodec.fromBytes(record.value(), EvaluationEvent.class);
                        System.out.println(json ? EventCodec.toJson(event) : line(event));
                        lastSeen = System.nanoTime();
                        if (limit > 0 && ++shown >= limit) {
                            break;
                        }
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // Ctrl-C.
            } finally {
                if (Thread.currentThread() == main) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(stop);
                    } catch (IllegalStateException e) {
                        // Already shutting down.
                    }
                }
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain watch: " + e.getMessage());
            return e.exitCode();
        }
    }

    /** One evaluation as a line: when, which pipeline and checkpoint, the metric, the verdict and why. */
    static String line(EvaluationEvent e) {
        String value = e.value() == null ? "-" : String.format(Locale.ROOT, "%.4f", e.value());
        return String.format(Locale.ROOT, "%s %-12s %-16s epoch %3d step %7d  %s %s  %-8s %s",
                java.time.Instant.ofEpochMilli(e.evaluatedAt()).toString().substring(11, 19), e.pipeline(),
                e.checkpointId(), e.epoch(), e.step(), e.metric(), value, e.verdict(), e.reason());
    }
}
