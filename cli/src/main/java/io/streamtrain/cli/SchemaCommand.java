package io.streamtrain.cli;

import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.support.kafka.StatsLookup;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain schema}: the schema and statistics a pipeline inferred during warm-up, from the statistics
 * topic, printed as the spec keys that pin it ({@code data.features}, {@code data.categories}, {@code data.classes}).
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = "Show the inferred schema and statistics of a pipeline, as spec keys to pin them.",
        footer = {"", "Examples:",
                "  ./streamtrain schema --kafka localhost:9092 --pipeline diamonds",
                "  ./streamtrain schema --kafka localhost:9092 --pipeline diamonds --json"})
public final class SchemaCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(names = "--pipeline", required = true, description = "The pipeline.")
    String pipeline;

    @Option(names = "--json", description = "Print the statistics event as JSON.")
    boolean json;

    @Override
    public Integer call() {
        try {
            NormalizationStats stats = new StatsLookup(kafka.settings()).latest(pipeline)
                    .orElseThrow(() -> new CliException(ExitCodes.FAILED, "no statistics published for pipeline '"
                            + pipeline + "' yet (its warm-up is not complete)"));
            System.out.println(json ? EventCodec.toJson(stats) : yaml(stats));
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain schema: " + e.getMessage());
            return e.exitCode();
        }
    }

    static String yaml(NormalizationStats stats) {
        StringBuilder out = new StringBuilder();
        out.append("# statistics version ").append(stats.version()).append(" of pipeline '").append(stats.pipeline())
                .append("', from ").append(stats.warmupRecords()).append(" warm-up records\n");
        out.append("data:\n  features:\n");
        stats.numeric().forEach(n -> out.append(String.format("    %s: numeric        # mean %.6g, std %.6g%s%n",
                n.name(), n.mean(), n.std(), inferred(stats, n.name()))));
        stats.categorical().forEach(c -> out.append(String.format("    %s: categorical    # %d values, most frequent %s%s%n",
                c.name(), c.vocabulary().size(), c.mostFrequent(), inferred(stats, c.name()))));
        if (!stats.categorical().isEmpty()) {
            out.append("  categories:\n");
            stats.categorical().forEach(c -> out.append("    ").append(c.name()).append(": ")
                    .append(list(c.vocabulary())).append('\n'));
        }
        if ("classification".equals(stats.label().task())) {
            out.append("  classes: ").append(list(stats.label().classes())).append('\n');
        } else {
            out.append(String.format("# target: mean %.6g, std %.6g%n", stats.label().mean(), stats.label().std()));
        }
        return out.toString();
    }

    /** How a feature's type was decided: inferred with the share of numbers, or fixed by the spec. */
    private static String inferred(NormalizationStats stats, String feature) {
        if (stats.inferredNumericShares() == null) {
            return ""; // statistics of format version 1 do not say
        }
        Double share = stats.inferredNumericShares().get(feature);
        return share == null ? "; from data.features" : String.format("; inferred, %.2f%% of warm-up values numbers",
                100 * share);
    }

    private static String list(java.util.List<String> values) {
        return values.stream().map(v -> "\"" + v.replace("\"", "\\\"") + "\"").collect(Collectors.joining(", ", "[", "]"));
    }
}
