package io.streamtrain.cli.run;

import io.streamtrain.contracts.ClassScores;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.GateReport;
import io.streamtrain.contracts.ResidualSummary;
import java.util.List;
import java.util.Map;

/**
 * The JSON report of a run ({@code --report FILE}): what was published, accepted and rejected (by reason, with
 * examples), the batches, the training, every evaluation with its verdict, the champion and the wall time; and what
 * the plots are drawn from: the training progress and, for regression, the champion's predictions against the
 * actual values on (a sample of) the validation rows.
 */
public record RunReport(String pipeline, String spec, String data, String kafka, String workdir, Records records,
                        Map<String, Long> rejectedByReason, List<RejectedExample> rejectedExamples, Batches batches,
                        long trainedSamples, int checkpoints, List<Evaluation> evaluations, Champion champion,
                        FinalCheckpoint finalCheckpoint, Lineage lineage, Map<String, Integer> restarts,
                        Timings timings, double wallSeconds, List<ProgressPoint> progress,
                        List<double[]> predictedVsActual) {

    /** One progress event of the trainer: its step and epoch, the mean loss since the last, samples per second. */
    public record ProgressPoint(long step, int epoch, double loss, double samplesPerSecond) {
    }

    /** Records published, accepted and dead-lettered; for a published file, how its data lines split. */
    public record Records(long published, long accepted, long rejected, Lines lines) {

        public Records(long published, long accepted, long rejected) {
            this(published, accepted, rejected, null);
        }
    }

    /** A file's data lines (header and blank lines excluded) = lines in accepted records + lines in dead letters. */
    public record Lines(long read, long inAccepted, long inDeadLetters) {
    }

    public record RejectedExample(String id, String reason, String field, String detail, String stage,
                                  String source, String original) {
    }

    public record Batches(long train, long validation) {
    }

    /** One evaluation: metrics, per-class scores or residuals, and the gate's verdict with its reason and data. */
    public record Evaluation(String checkpoint, int epoch, long step, boolean finalCheckpoint, long validationRows,
                             Map<String, Double> metrics, String verdict, String reason, GateReport gate,
                             List<ClassScores> perClass, ResidualSummary residuals) {

        static Evaluation of(EvaluationEvent e) {
            return new Evaluation(e.checkpointId(), e.epoch(), e.step(), e.finalCheckpoint(), e.validationRows(),
                    e.metrics(), e.verdict().name(), e.reason(), e.gate(), e.perClass(), e.residuals());
        }
    }

    /**
     * The model promoted last: its checkpoint, the SHA-256 of its parameters, its metrics (on the validation set
     * when it was promoted), and the path of its exported artifact (for {@code streamtrain predict}).
     */
    public record Champion(String checkpoint, int epoch, long step, String parametersSha256, Map<String, Double> metrics,
                           List<String> classes, long[][] confusionMatrix, String artifact) {
    }

    /**
     * The last checkpoint of the run: its parameters' SHA-256, its lineage (batches trained on, and a SHA-256
     * chained over their ids in order) and why training stopped. Equal parameters and lineage mean equal training,
     * whatever crashes happened in between.
     */
    public record FinalCheckpoint(String checkpoint, int epoch, long step, String parametersSha256,
                                  long lineageBatches, String lineageSha256, String stopReason) {
    }

    /**
     * The final model's lineage against the train batches published: how many batches it was trained on, how many
     * (epoch, batch) pairs occur more than once, and how many published batches an epoch it finished lacks. Both 0
     * when every batch was trained exactly once per epoch, however many trainers shared the work.
     */
    public record Lineage(long batches, long duplicates, long missing) {
    }

    /** Seconds spent starting the broker and services, publishing, and from the first record to the final verdict. */
    public record Timings(double startupSeconds, double publishSeconds, double pipelineSeconds) {
    }
}
