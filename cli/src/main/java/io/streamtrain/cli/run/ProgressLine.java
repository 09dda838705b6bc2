package io.streamtrain.cli.run;

import io.streamtrain.contracts.ProgressEvent;
import java.util.Locale;

/**
 * Renders the demo's live progress: records accepted and rejected, batches, and the trainer's latest progress
 * event; for a finite dataset, a bar and an ETA over all epochs.
 */
public final class ProgressLine {

    private static final int BAR = 20;

    private ProgressLine() {
    }

    /** What the monitor counted so far. */
    public record Counts(long accepted, long rejected, long trainBatches, long validationBatches,
                         boolean trainBatchesComplete) {
    }

    public static String render(PipelineMonitor monitor, int epochs, int batchSize, double seconds) {
        return render(new Counts(monitor.accepted(), monitor.rejected(), monitor.trainBatches(),
                monitor.validationBatches(), monitor.trainBatchesComplete()), monitor.progress(), epochs, batchSize,
                seconds);
    }

    static String render(Counts counts, ProgressEvent p, int epochs, int batchSize, double seconds) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "[%5.0fs] accepted %d, rejected %d | "
                + "batches %d train, %d validation", seconds, counts.accepted(), counts.rejected(),
                counts.trainBatches(), counts.validationBatches()));
        if (p == null) {
            return line.toString();
        }
        line.append(String.format(Locale.ROOT, " | epoch %d/%d step %d loss %.4f %,.0f samples/s lag %d", p.epoch(),
                epochs, p.step(), p.loss(), p.samplesPerSecond(), p.lag()));
        if (p.skippedSteps() > 0) {
            line.append(String.format(Locale.ROOT, " skipped %d (non-finite)", p.skippedSteps()));
        }
        if (counts.trainBatchesComplete() && counts.trainBatches() > 0) {
            long total = epochs * counts.trainBatches();
            double done = Math.min(1.0, (double) p.step() / total);
            int filled = (int) Math.round(done * BAR);
            line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR - filled))
                    .append(String.format(Locale.ROOT, "] %3.0f%%", done * 100));
            double stepsPerSecond = p.samplesPerSecond() / batchSize;
            if (stepsPerSecond > 0) {
                line.append(String.format(Locale.ROOT, " ETA %.0fs", (total - p.step()) / stepsPerSecond));
            }
        }
        return line.toString();
    }
}
