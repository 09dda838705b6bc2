package io.streamtrain.cli;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code streamtrain rejected}: what is in the dead-letter topic, counted by pipeline and reason, with examples. */
@Command(name = "rejected", mixinStandardHelpOptions = true,
        description = "Show dead letters: counts by reason and examples.",
        footer = {"", "Examples:",
                "  ./streamtrain rejected --kafka localhost:9092",
                "  ./streamtrain rejected --kafka localhost:9092 --pipeline shuttle --examples 5 --json"})
public final class RejectedCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(names = "--pipeline", description = "Only this pipeline.")
    String pipeline;

    @Option(names = "--examples", defaultValue = "2", description = "Examples per reason (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    /** Counts and examples of one pipeline's dead letters. */
    public record Summary(String pipeline, long total, Map<String, Long> byReason, List<RejectedRecord> examples) {
    }

    @Override
    public Integer call() {
        try {
            Map<String, Summary> summaries = read(kafka.settings(), pipeline, examples);
            PrintStream out = System.out;
            if (json) {
                out.println(EventCodec.toJson(summaries.values()));
            } else if (summaries.isEmpty()) {
                out.println("no dead letters" + (pipeline == null ? "" : " for pipeline '" + pipeline + "'"));
            } else {
                summaries.values().forEach(s -> print(s, out));
            }
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain rejected: " + e.getMessage());
            return e.exitCode();
        }
    }

    static Map<String, Summary> read(KafkaSettings settings, String pipeline, int examplesPerReason) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        Map<String, List<RejectedRecord>> examples = new TreeMap<>();
        new TopicReader(settings).readAll(Topics.REJECTED, record -> {
            String owner = Messages.pipelineOf(record);
            if (record.value() == null || pipeline != null && !pipeline.equals(owner)) {
                return;
            }
            RejectedRecord dead = EventCodec.fromBytes(record.value(), RejectedRecord.class);
            String reason = dead.reason().name();
            long seen = counts.computeIfAbsent(dead.pipeline(), p -> new TreeMap<>()).merge(reason, 1L, Long::sum);
            if (seen <= examplesPerReason) {
                examples.computeIfAbsent(dead.pipeline(), p -> new ArrayList<>()).add(dead);
            }
        });
        Map<String, Summary> summaries = new LinkedHashMap<>();
        counts.forEach((name, byReason) -> summaries.put(name, new Summary(name,
                byReason.values().stream().mapToLong(Long::longValue).sum(), byReason,
                examples.getOrDefault(name, List.of()))));
        return summaries;
    }

    private static void print(Summary summary, PrintStream out) {
        out.printf("pipeline '%s': %d dead letters%n", summary.pipeline(), summary.total());
        summary.byReason().forEach((reason, count) -> out.printf("  %-18s %8d%n", reason, count));
        if (!summary.examples().isEmpty()) {
            out.println("  examples:");
        }
        for (RejectedRecord dead : summary.examples()) {
            String original = dead.original() == null ? "" : dead.original().replace("\n", "\\n");
            out.printf("    %-16s %s%s: %s%n      from %s, stage %s: %s%n", dead.reason(), dead.id(),
                    dead.field() == null ? "" : " [" + dead.field() + "]", dead.detail(), dead.source(), dead.stage(),
                    original.length() > 120 ? original.substring(0, 120) + "..." : original);
        }
    }
}
