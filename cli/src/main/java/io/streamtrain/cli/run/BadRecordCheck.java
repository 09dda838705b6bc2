package io.streamtrain.cli.run;

import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.pipeline.spec.BadRecordBudget;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Whether a run lost more records than its budget allows. In: the budget ({@code data.maxBadRecords} or
 * {@code --max-bad-records}), the records published, and the dead letters so far (counts by reason, the first
 * examples). Out: null within the budget; otherwise what a user needs to see: how many, by reason, the first five
 * examples, and how to go on.
 */
public final class BadRecordCheck {

    private BadRecordCheck() {
    }

    /** The check on everything the monitor has seen of the run so far. */
    public static String check(BadRecordBudget budget, long published, PipelineMonitor monitor) {
        if (!budget.exceeded(monitor.rejected(), published)) {
            return null; // the demo asks several times a second: no copies of the counts while within budget
        }
        return overBudget(budget, published, monitor.rejected(), monitor.rejectedByReason(), monitor.firstRejected());
    }

    /**
     * Waits, at most {@code timeout}, until ingest has dealt with every record published (accepted or
     * dead-lettered), then checks: a file over its budget fails before training on what is left of it.
     */
    public static String afterIngest(BadRecordBudget budget, long published, PipelineMonitor monitor,
                                     Duration timeout, Consumer<EvaluationEvent> onEvaluation) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (monitor.ingested() < published && System.nanoTime() < deadline) {
            monitor.poll(Duration.ofMillis(200), onEvaluation);
        }
        return check(budget, published, monitor);
    }

    public static String overBudget(BadRecordBudget budget, long published, long rejected,
                                    Map<String, Long> byReason, List<RejectedRecord> examples) {
        if (!budget.exceeded(rejected, published)) {
            return null;
        }
        StringBuilder message = new StringBuilder(String.format(Locale.ROOT,
                "%,d of %,d records (%.1f%%) were dead-lettered, more than the bad-record budget of %s allows:%n",
                rejected, published, published == 0 ? 100.0 : 100.0 * rejected / published, budget.describe()));
        byReason.forEach((reason, count) -> message.append(String.format(Locale.ROOT, "  %-22s %,d%n", reason,
                count)));
        message.append("first examples:\n");
        for (RejectedRecord dead : examples.stream().limit(5).toList()) {
            String original = dead.original() == null ? "" : dead.original().replace("\n", "\\n");
            message.append(String.format(Locale.ROOT, "  %s  %s  %s%s%n", dead.id(), dead.reason(),
                    dead.detail(), original.isEmpty() ? "" : "  | " + (original.length() > 80
                            ? original.substring(0, 80) + "..." : original)));
        }
        message.append("Fix the input, or allow more with data.maxBadRecords in the spec or --max-bad-records"
                + " (a count such as 500 or a share such as 2%).");
        return message.toString();
    }
}
