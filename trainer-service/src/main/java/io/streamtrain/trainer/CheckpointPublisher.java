package io.streamtrain.trainer;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EvaluationEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.ArtifactKeys;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes a checkpoint of a training session and announces it. In: the session and where training stands. Out:
 * a checkpoint directory under {@code streamtrain.checkpoint-dir}
 * ({@code <pipeline>/<run id>/<run id>-eNNN-sNNNNNNNN} with a run id, {@code <pipeline>/eNNN-sNNNNNNNN} without: a
 * run restores and prunes only its own; written atomically; signed with
 * {@code streamtrain.checkpoint-signing-key} when one is configured) and a
 * {@link CheckpointEvent} with its SHA-256 on {@code streamtrain.checkpoints.v1}, sent without waiting (in order;
 * a failed send fails the next checkpoint), the final one acknowledged before returning.
 * Parameters that are not all finite are never written. After each checkpoint, older ones are deleted as
 * {@code train.keepCheckpoints} allows ({@link CheckpointRetention}).
 */
@ApplicationScoped
public class CheckpointPublisher {

    private static final Logger LOG = Logger.getLogger(CheckpointPublisher.class);

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final CheckpointWriter writer;
    private final KafkaProducer<String, byte[]> producer;
    private final CheckpointRetention retention;
    private final TrainerMetrics metrics;
    private String lastId;
    private CheckpointWriter.Written lastWritten;
    private final AtomicReference<IOException> announcementFailure = new AtomicReference<>();

    public CheckpointPublisher(PipelineSpec spec, PipelineRun run, KafkaSettings kafka, TrainerMetrics metrics,
                               @ConfigProperty(name = "streamtrain.checkpoint-dir") String checkpointDir,
                               @ConfigProperty(name = "streamtrain.checkpoint-signing-key") Optional<String> signingKey)
            throws IOException {
        this.spec = spec;
        this.run = run;
        this.metrics = metrics;
        this.writer = new CheckpointWriter(Path.of(checkpointDir).toAbsolutePath(),
                signingKey.isEmpty() ? null : ArtifactKeys.signer(Path.of(signingKey.get())), run.runId());
        this.producer = new KafkaProducer<>(kafka.producer("trainer-checkpoints-" + spec.pipeline()));
        this.retention = new CheckpointRetention(spec.train().keepCheckpoints());
    }

    /** The pipeline's run this trainer belongs to. */
    PipelineRun run() {
        return run;
    }

    /** An evaluation of one of this pipeline's checkpoints: it may now be deleted when no longer needed. */
    void observe(EvaluationEvent evaluation) {
        retention.observe(evaluation);
    }

    /** Writes and announces a checkpoint; a final one is acknowledged by the broker before this returns. */
    CheckpointEvent publish(CheckpointRequest request) throws IOException {
        TrainingProgress progress = request.progress();
        ResumePoint resume = request.resume();
        int epoch = request.epoch();
        boolean finalCheckpoint = request.isFinal();
        NormalizationStats stats = request.stats();
        String id = request.id(run.runId());
        if (!request.session().parametersFinite()) {
            throw new NonFiniteParametersException("the parameters at step " + progress.step() + " are not finite;"
                    + " checkpoint " + id + " was not written (lower train.learningRate or set train.clipGradNorm)");
        }
        long started = System.nanoTime();
        long now = System.currentTimeMillis();
        CheckpointManifest manifest = new CheckpointManifest(SchemaVersion.CURRENT, spec.pipeline(), id, epoch,
                progress.step(), progress.samples(), spec.hash(), null, stats, now, resume);
        CheckpointWriter.Written written;
        if (id.equals(lastId)) {
            // The end of the last epoch fell on a step checkpoint: same parameters, only where to resume changed.
            written = writer.updateResume(lastWritten, manifest);
        } else {
            written = writer.write(request.session(), manifest, request.lineage()::writeInto);
        }
        request.lineage().writtenInto(written.dir());
        lastId = id;
        lastWritten = written;
        TrainingProgress.Window window = progress.window();
        CheckpointEvent event = new CheckpointEvent(SchemaVersion.CURRENT, spec.pipeline(), id, epoch,
                progress.step(), progress.samples(), stats.version(), spec.hash(), written.dir().toString(),
                written.sha256(), window.meanLoss(), window.samplesPerSecond(), finalCheckpoint, now,
                resume.lineageCount(), resume.lineageSha256(), request.stopReason(), run.runId());
        announce(event);
        metrics.checkpoint(System.nanoTime() - started);
        LOG.infof("checkpoint %s: epoch %d, step %d, %d samples, loss %.4f, %.0f samples/s%s", id,
                epoch, progress.step(), progress.samples(), window.meanLoss(), window.samplesPerSecond(),
                finalCheckpoint ? " (final)" : "");
        prune();
        return event;
    }

    /**
     * Sends the event. Training goes on while the broker acknowledges it: a failure of an earlier announcement
     * fails this call, and a final checkpoint is acknowledged before this returns.
     */
    private void announce(CheckpointEvent event) throws IOException {
        failIfAnnouncementFailed();
        producer.send(run.data(Topics.CHECKPOINTS, spec.pipeline(), EventCodec.toBytes(event)),
                (metadata, e) -> {
                    if (e != null) {
                        announcementFailure.compareAndSet(null, new IOException("cannot announce checkpoint "
                                + event.checkpointId() + ": " + e, e));
                    }
                });
        if (event.finalCheckpoint()) {
            producer.flush();
            failIfAnnouncementFailed();
        }
    }

    private void failIfAnnouncementFailed() throws IOException {
        IOException failure = announcementFailure.get();
        if (failure != null) {
            throw failure;
        }
    }

    /** Deletes the checkpoints retention no longer needs. */
    void prune() {
        try {
            for (String old : retention.deletable(writer.checkpointIds(spec.pipeline()))) {
                writer.delete(spec.pipeline(), old);
                LOG.debugf("deleted checkpoint %s (train.keepCheckpoints=%d)", old, spec.train().keepCheckpoints());
            }
        } catch (IOException e) {
            LOG.warnf("cannot delete old checkpoints of '%s': %s", spec.pipeline(), e);
        }
    }

    /** Parameters that must not reach a checkpoint. */
    static final class NonFiniteParametersException extends IOException {
        NonFiniteParametersException(String message) {
            super(message);
        }
    }

    /** The newest checkpoint to continue from, if any. */
    java.util.Optional<CheckpointWriter.Restorable> newest() {
        return writer.newest(spec.pipeline());
    }

    /** The lineage a checkpoint was trained on, to continue it. */
    static Lineage lineageOf(CheckpointWriter.Restorable saved) {
        ResumePoint resume = saved.manifest().resume();
        return new Lineage(resume.lineageCount(), resume.lineageSha256(), saved.dir());
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
