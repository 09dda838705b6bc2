package io.streamtrain.contracts;

import java.util.List;

/**
 * The Kafka topics that connect the services. Services talk to each other through these topics only.
 * Every event on them carries the pipeline name in the {@link Headers#PIPELINE} header.
 */
public final class Topics {

    /** Raw JSON records from users, one object per message. Key: the record id (optional). */
    public static final String INGEST = "streamtrain.ingest.v1";
    /** Validated records in canonical form ({@link CanonicalRecord}). Key: the record id. */
    public static final String RECORDS = "streamtrain.records.v1";
    /** Dead letters ({@link RejectedRecord}): every record that failed validation, with its reason. */
    public static final String REJECTED = "streamtrain.rejected.v1";
    /** Normalization statistics ({@link NormalizationStats}), compacted. Key: pipeline name. */
    public static final String STATS = "streamtrain.stats.v1";
    /** Mini-batches for training, in the binary batch encoding. */
    public static final String BATCHES_TRAIN = "streamtrain.batches.train.v1";
    /** Mini-batches held out for validation, in the binary batch encoding. */
    public static final String BATCHES_VALIDATION = "streamtrain.batches.validation.v1";
    /** Parameter averaging between trainers. */
    public static final String SYNC = "streamtrain.sync.v1";
    /** {@link ProgressEvent}s of the trainers, at a bounded rate. */
    public static final String PROGRESS = "streamtrain.progress.v1";
    /** One {@link CheckpointEvent} per checkpoint written by a trainer. */
    public static final String CHECKPOINTS = "streamtrain.checkpoints.v1";
    /** One {@link EvaluationEvent} per evaluated checkpoint (and one per manual override). Key: checkpoint id. */
    public static final String EVALUATIONS = "streamtrain.evaluations.v1";
    /** The champion model per pipeline ({@link ModelEvent}), compacted. Key: pipeline name. */
    public static final String MODELS = "streamtrain.models.v1";

    /** A topic with the properties it must be created with. */
    public record TopicDefinition(String name, boolean compacted) {
    }

    /** Every topic of a pipeline deployment, in flow order. */
    public static final List<TopicDefinition> ALL = List.of(
            new TopicDefinition(INGEST, false),
            new TopicDefinition(RECORDS, false),
            new TopicDefinition(REJECTED, false),
            new TopicDefinition(STATS, true),
            new TopicDefinition(BATCHES_TRAIN, false),
            new TopicDefinition(BATCHES_VALIDATION, false),
            new TopicDefinition(SYNC, false),
            new TopicDefinition(PROGRESS, false),
            new TopicDefinition(CHECKPOINTS, false),
            new TopicDefinition(EVALUATIONS, false),
            new TopicDefinition(MODELS, true));

    /**
     * The consumer group a pipeline's group of trainers shares the train batch partitions through; its committed
     * offsets are the group's progress (what lag monitors and KEDA read).
     */
    public static String trainerGroup(String pipeline) {
        return "streamtrain-trainer-" + pipeline;
    }

    /**
     * The consumer group a trainer without {@code train.sync} holds while it lives, so that a second trainer of the
     * pipeline sees it and refuses to start.
     */
    public static String soleTrainerGroup(String pipeline) {
        return "streamtrain-trainer-alone-" + pipeline;
    }

    private Topics() {
    }
}
