package io.streamtrain.support.kafka;

import io.streamtrain.contracts.EndOfData;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * One life of a pipeline on a broker, as a service sees it: the pipeline's name and its run id (null when the
 * deployment has none: then the service writes no run header and reads every run's messages, as before runs
 * existed). In: {@code streamtrain.run-id} ({@code STREAMTRAIN_RUN_ID}). Out: the messages the service writes
 * ({@link Messages}, with the run header), whether a message read belongs to it, and the names (consumer groups,
 * transactional ids, checkpoint ids) that must differ from run to run.
 */
public record PipelineRun(String pipeline, String runId) {

    /** What a run id may hold: it becomes part of group ids, transactional ids, checkpoint ids and directories. */
    public static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public PipelineRun {
        if (runId != null && runId.isBlank()) {
            runId = null;
        }
        if (runId != null && !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("streamtrain.run-id '" + runId + "' is not a run id: letters, digits,"
                    + " '_', '.' and '-', starting with a letter or digit, at most 64 characters");
        }
    }

    /**
     * A fresh run id: the UTC time of the call and four random hex digits, e.g. {@code 20261207-201502-3f9a}
     * (sortable by start time, unique enough for the runs of one broker).
     */
    public static String newRunId() {
        return DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now())
                + String.format("-%04x", new SecureRandom().nextInt(0x10000));
    }

    /** A pipeline without a run id. */
    public static PipelineRun none(String pipeline) {
        return new PipelineRun(pipeline, null);
    }

    public boolean hasRunId() {
        return runId != null;
    }

    /** A data message of this run. */
    public ProducerRecord<String, byte[]> data(String topic, String key, byte[] value) {
        return Messages.data(topic, pipeline, runId, key, value);
    }

    /** An end-of-data marker of this run for one partition of {@code topic}. */
    public ProducerRecord<String, byte[]> endOfData(String topic, int partition, EndOfData marker) {
        return Messages.endOfData(topic, partition, marker, runId);
    }

    /** Whether a message read belongs to this pipeline and run (messages without those headers belong to all). */
    public boolean owns(ConsumerRecord<?, ?> record) {
        return Messages.belongsTo(record, pipeline, runId);
    }

    /** {@code name}, followed by {@code -<run id>} when there is one: for names that hold a run's position. */
    public String scoped(String name) {
        return runId == null ? name : name + "-" + runId;
    }

    /** The consumer group of the pipeline's ingest in this run. */
    public String ingestGroup() {
        return scoped("streamtrain-ingest-service-" + pipeline);
    }

    @Override
    public String toString() {
        return runId == null ? "'" + pipeline + "'" : "'" + pipeline + "' (run " + runId + ")";
    }
}
