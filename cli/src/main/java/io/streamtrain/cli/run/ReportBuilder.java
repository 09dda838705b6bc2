package io.streamtrain.cli.run;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import java.util.List;
import java.util.Map;

/** Assembles a {@link RunReport} from what the {@link PipelineMonitor} saw. */
public final class ReportBuilder {

    private ReportBuilder() {
    }

    /** The evaluation that promoted the current champion, or null. */
    private static EvaluationEvent lastPromotion(PipelineMonitor monitor) {
        EvaluationEvent promoted = null;
        for (EvaluationEvent e : monitor.evaluations()) {
            if (e.verdict() == Verdict.PROMOTED) {
                promoted = e;
            }
        }
        return promoted;
    }

    /** The checkpoint event of the model promoted last, or null. */
    public static CheckpointEvent championCheckpoint(PipelineMonitor monitor) {
        EvaluationEvent promoted = lastPromotion(monitor);
        CheckpointEvent found = null;
        for (CheckpointEvent c : monitor.checkpoints()) {
            if (promoted != null && c.checkpointId().equals(promoted.checkpointId())) {
                found = c;
            }
        }
        return found;
    }

    public static RunReport build(String pipeline, String spec, String data, String kafka, String workdir,
                                  long published, PipelineMonitor monitor, Map<String, Integer> restarts,
                                  RunReport.Timings timings, double wallSeconds, String championArtifact,
                                  List<double[]> predictedVsActual) {
        List<CheckpointEvent> checkpoints = monitor.checkpoints();
        long trainedSamples = checkpoints.stream().mapToLong(CheckpointEvent::samplesSeen).max().orElse(0);
        EvaluationEvent promoted = lastPromotion(monitor);
        CheckpointEvent promotedCheckpoint = championCheckpoint(monitor);
        RunReport.Champion champion = promoted == null ? null : new RunReport.Champion(promoted.checkpointId(),
                promoted.epoch(), promoted.step(), promotedCheckpoint == null ? null : promotedCheckpoint.sha256(),
                promoted.metrics(), promoted.classes(), promoted.confusionMatrix(), championArtifact);
        CheckpointEvent last = checkpoints.stream().filter(CheckpointEvent::finalCheckpoint).reduce((a, b) -> b)
                .orElse(null);
        RunReport.FinalCheckpoint finalCheckpoint = last == null ? null : new RunReport.FinalCheckpoint(
                last.checkpointId(), last.epoch(), last.step(), last.sha256(), last.lineageCount(), last.lineageSha256(),
                last.stopReason());
        return new RunReport(pipeline, spec, data, kafka, workdir,
                new RunReport.Records(published, monitor.accepted(), monitor.rejected(), monitor.lines()),
                monitor.rejectedByReason(),
                monitor.rejectedExamples().stream().map(r -> new RunReport.RejectedExample(r.id(), r.reason().name(),
                        r.field(), r.detail(), r.stage(), r.source() == null ? null : r.source().toString(),
                        r.original())).toList(),
                new RunReport.Batches(monitor.trainBatches(), monitor.validationBatches()),
                trainedSamples, checkpoints.size(),
                monitor.evaluations().stream().map(RunReport.Evaluation::of).toList(),
                champion, finalCheckpoint, last == null ? null : LineageCheck.of(last, monitor.trainBatchIds()),
                restarts, timings, wallSeconds, monitor.progressHistory(), predictedVsActual);
    }
}
