package io.streamtrain.cli.run;

import java.io.PrintStream;
import java.util.Map;

/** Prints the end-of-run summary table of a {@link RunReport}. */
public final class SummaryPrinter {

    private SummaryPrinter() {
    }

    public static void print(RunReport report, PrintStream out) {
        out.println();
        out.println("StreamTrain run summary: pipeline '" + report.pipeline() + "'");
        row(out, "records published", Long.toString(report.records().published()));
        row(out, "records accepted", Long.toString(report.records().accepted()));
        row(out, "records rejected", Long.toString(report.records().rejected()));
        report.rejectedByReason().forEach((reason, count) -> row(out, "  " + reason, Long.toString(count)));
        RunReport.Lines lines = report.records().lines();
        if (lines != null) {
            row(out, "data lines read", lines.read() + " = " + lines.inAccepted() + " in accepted records + "
                    + lines.inDeadLetters() + " in dead letters");
        }
        row(out, "batches (train / validation)", report.batches().train() + " / " + report.batches().validation());
        row(out, "trained samples", Long.toString(report.trainedSamples()));
        row(out, "checkpoints / evaluations", report.checkpoints() + " / " + report.evaluations().size());
        if (report.champion() != null) {
            row(out, "champion", report.champion().checkpoint() + " (epoch " + report.champion().epoch() + ", step "
                    + report.champion().step() + ")");
            for (Map.Entry<String, Double> metric : report.champion().metrics().entrySet()) {
                row(out, "  " + metric.getKey(), String.format("%.4f", metric.getValue()));
            }
        } else {
            row(out, "champion", "none promoted");
        }
        if (report.finalCheckpoint() != null && report.finalCheckpoint().stopReason() != null) {
            row(out, "training stopped", report.finalCheckpoint().stopReason());
        }
        if (report.lineage() != null) {
            row(out, "lineage", report.lineage().batches() + " batches trained, " + report.lineage().duplicates()
                    + " twice, " + report.lineage().missing() + " missing");
        }
        report.restarts().forEach((service, count) -> {
            if (count > 0) {
                row(out, "restarts of " + service, Integer.toString(count));
            }
        });
        row(out, "wall time", String.format("%.1f s (startup %.1f s, publish %.1f s, pipeline %.1f s)",
                report.wallSeconds(), report.timings().startupSeconds(), report.timings().publishSeconds(),
                report.timings().pipelineSeconds()));
    }

    private static void row(PrintStream out, String name, String value) {
        out.printf("  %-30s %s%n", name, value);
    }
}
