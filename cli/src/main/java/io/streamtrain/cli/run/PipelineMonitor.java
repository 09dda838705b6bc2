package io.streamtrain.cli.run;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ProgressEvent;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a pipeline run from the outside, through its topics only. In: every message of the pipeline on the
 * records, dead-letter, batch, checkpoint and evaluation topics written after {@link #start()}. Out: the counts,
 * events and evaluations that progress lines and the report are made of. Not thread-safe: poll from one thread.
 */
public final class PipelineMonitor implements AutoCloseable {

    private static final List<String> WATCHED = List.of(Topics.RECORDS, Topics.REJECTED, Topics.BATCHES_TRAIN,
            Topics.BATCHES_VALIDATION, Topics.PROGRESS, Topics.CHECKPOINTS, Topics.EVALUATIONS);

    private final String pipeline;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private final List<RejectedRecord> rejectedExamples = new ArrayList<>();
    private final List<RejectedRecord> firstRejected = new ArrayList<>();
    private FileLines fileLines;
    private long rejectedLines;
    private final List<CheckpointEvent> checkpoints = new ArrayList<>();
    private final List<EvaluationEvent> evaluations = new ArrayList<>();
    private long ingestAccepted;
    private long rejected;
    private long preprocessRejected;
    private long trainBatches;
    private final List<String> trainBatchIds = new ArrayList<>();
    private long validationBatches;
    private boolean trainBatchesComplete;
    private ProgressEvent progress;
    /** The loss curve: every progress event's step and loss, thinned to every other point when it gets long. */
    private final List<RunReport.ProgressPoint> progressHistory = new ArrayList<>();
    private static final int MAX_PROGRESS_POINTS = 2_000;

    public PipelineMonitor(KafkaSettings kafka, String pipeline) {
        this.pipeline = pipeline;
        this.consumer = new KafkaConsumer<>(kafka.consumer("streamtrain-cli-monitor", null));
    }

    /** Starts watching at the current end of every topic, so earlier runs on the same broker do not count. */
    public void start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : WATCHED) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Reads what arrived; calls {@code onEvaluation} for each new evaluation. */
    public void poll(Duration timeout, Consumer<EvaluationEvent> onEvaluation) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            if (!pipeline.equals(Messages.pipelineOf(record))) {
                continue;
            }
            if (Messages.isEndOfData(record)) {
                trainBatchesComplete |= record.topic().equals(Topics.BATCHES_TRAIN);
                continue;
            }
            switch (record.topic()) {
                case Topics.RECORDS -> ingestAccepted++;
                case Topics.REJECTED -> rejected(EventCodec.fromBytes(record.value(), RejectedRecord.class));
                case Topics.BATCHES_TRAIN -> {
                    trainBatches++;
                    trainBatchIds.add(record.key());
                }
                case Topics.BATCHES_VALIDATION -> validationBatches++;
                case Topics.PROGRESS -> progressed(EventCodec.fromBytes(record.value(), ProgressEvent.class));
                case Topics.CHECKPOINTS -> checkpoints.add(EventCodec.fromBytes(record.value(), CheckpointEvent.class));
                case Topics.EVALUATIONS -> {
                    EvaluationEvent evaluation = EventCodec.fromBytes(record.value(), EvaluationEvent.class);
                    evaluations.add(evaluation);
                    onEvaluation.accept(evaluation);
                }
                default -> {
                }
            }
        }
    }

    private void progressed(ProgressEvent event) {
        progress = event;
        progressHistory.add(new RunReport.ProgressPoint(event.step(), event.epoch(), event.loss(),
                event.samplesPerSecond()));
        if (progressHistory.size() > MAX_PROGRESS_POINTS) {
            for (int i = progressHistory.size() - 2; i > 0; i -= 2) {
                progressHistory.remove(i);
            }
        }
    }

    private void rejected(RejectedRecord dead) {
        rejected++;
        if (firstRejected.size() < 5) {
            firstRejected.add(dead);
        }
        if (fileLines != null) {
            rejectedLines += fileLines.linesOf(dead.id());
        }
        if ("preprocess".equals(dead.stage())) {
            preprocessRejected++;
        }
        rejectedByReason.merge(dead.reason().name(), 1L, Long::sum);
        if (rejectedExamples.stream().noneMatch(e -> e.reason() == dead.reason()) && rejectedExamples.size() < 20) {
            rejectedExamples.add(dead);
        }
    }

    /** True once the final checkpoint of the run has been evaluated. */
    public boolean finished() {
        return evaluations.stream().anyMatch(EvaluationEvent::finalCheckpoint);
    }

    /** Records that made it into batches: accepted by ingest and not rejected by preprocessing. */
    public long accepted() {
        return ingestAccepted - preprocessRejected;
    }

    public long rejected() {
        return rejected;
    }

    /** Records ingest accepted onto the records topic. */
    public long ingestAccepted() {
        return ingestAccepted;
    }

    /** Records ingest has dealt with: accepted onto the records topic or dead-lettered by ingest. */
    public long ingested() {
        return ingestAccepted + rejected - preprocessRejected;
    }

    /** The first five dead letters, in the order they came. */
    public List<RejectedRecord> firstRejected() {
        return List.copyOf(firstRejected);
    }

    /** Counts the lines of the dead-lettered records of a file published with these lines. */
    public void countLines(FileLines lines) {
        this.fileLines = lines;
    }

    /** How the file's data lines split between accepted records and dead letters; null without a file. */
    public RunReport.Lines lines() {
        return fileLines == null ? null : new RunReport.Lines(fileLines.lines(), fileLines.lines() - rejectedLines,
                rejectedLines);
    }

    public Map<String, Long> rejectedByReason() {
        return new TreeMap<>(rejectedByReason);
    }

    public List<RejectedRecord> rejectedExamples() {
        return List.copyOf(rejectedExamples);
    }

    public long trainBatches() {
        return trainBatches;
    }

    /** The ids of the train batches published since the monitor started, in the order read. */
    public List<String> trainBatchIds() {
        return List.copyOf(trainBatchIds);
    }

    /** True once the preprocessor ended the train batches of a finite dataset: {@link #trainBatches()} is final. */
    public boolean trainBatchesComplete() {
        return trainBatchesComplete;
    }

    /** The trainer's latest progress event, or null. */
    public ProgressEvent progress() {
        return progress;
    }

    /** The trainer's progress so far: step, epoch, loss, samples/s (at most 2,000 points, evenly thinned). */
    public List<RunReport.ProgressPoint> progressHistory() {
        return List.copyOf(progressHistory);
    }

    public long validationBatches() {
        return validationBatches;
    }

    public List<CheckpointEvent> checkpoints() {
        return List.copyOf(checkpoints);
    }

    public List<EvaluationEvent> evaluations() {
        return List.copyOf(evaluations);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
