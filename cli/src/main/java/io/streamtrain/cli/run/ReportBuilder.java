package io.streamtrain.cli.run;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.Verdict;
import java.util.List;

/** Assembles a {@link RunReport} from what the {@link PipelineMonitor} saw. */
public final class ReportBuilder {

    private ReportBuilder() {
    }

    public static RunReport build(String pipeline, String spec, String data, String kafka, String workdir,
                                  long published, PipelineMonitor monitor, RunReport.Timings timings,
                                  double wallSeconds) {
        List<CheckpointEvent> checkpoints = monitor.checkpoints();
        long trainedSamples = checkpoints.stream().mapToLong(CheckpointEvent::samplesSeen).max().orElse(0);
        EvaluationEvent promoted = null;
        for (EvaluationEvent e : monitor.evaluations()) {
            if (e.verdict() == Verdict.PROMOTED) {
                promoted = e;
            }
        }
        RunReport.Champion champion = promoted == null ? null : new RunReport.Champion(promoted.checkpointId(),
                promoted.epoch(), promoted.step(), promoted.metrics(), promoted.classes(), promoted.confusionMatrix());
        return new RunReport(pipeline, spec, data, kafka, workdir,
                new RunReport.Records(published, monitor.accepted(), monitor.rejected()),
                monitor.rejectedByReason(),
                monitor.rejectedExamples().stream().map(r -> new RunReport.RejectedExample(r.id(), r.reason().name(),
                        r.field(), r.detail(), r.stage(), r.source() == null ? null : r.source().toString(),
                        r.original())).toList(),
                new RunReport.Batches(monitor.trainBatches(), monitor.validationBatches()),
                trainedSamples, checkpoints.size(),
                monitor.evaluations().stream().map(RunReport.Evaluation::of).toList(),
                champion, timings, wallSeconds);
    }
}
