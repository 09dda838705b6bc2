package io.streamtrain.trainer;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.model.CheckpointManifest;
import io.streamtrain.model.CheckpointWriter;
import io.streamtrain.model.ResumePoint;
import io.streamtrain.model.TrainingSession;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Writes a checkpoint of a training session and announces it. In: the session and where training stands. Out:
 * a checkpoint directory under {@code streamtrain.checkpoint-dir} (written atomically) and a
 * {@link CheckpointEvent} with its SHA-256 on {@code streamtrain.checkpoints.v1}, acknowledged before returning.
 */
@ApplicationScoped
public class CheckpointPublisher {

    private static final Logger LOG = Logger.getLogger(CheckpointPublisher.class);

    private final PipelineSpec spec;
    private final CheckpointWriter writer;
    private final KafkaProducer<String, byte[]> producer;
    private String lastId;
    private CheckpointWriter.Written lastWritten;

    public CheckpointPublisher(PipelineSpec spec, KafkaSettings kafka,
                               @ConfigProperty(name = "streamtrain.checkpoint-dir") String checkpointDir) {
        this.spec = spec;
        this.writer = new CheckpointWriter(Path.of(checkpointDir).toAbsolutePath());
        this.producer = new KafkaProducer<>(kafka.producer("trainer-checkpoints-" + spec.pipeline()));
    }

    /**
     * Writes and announces a checkpoint labelled with {@code epoch} (at an epoch's end, the epoch that ended,
     * while {@code resume} points at the start of the next one).
     */
    CheckpointEvent publish(TrainingSession session, NormalizationStats stats, TrainingProgress progress, int epoch,
                            boolean finalCheckpoint, ResumePoint resume, String stopReason) throws IOException {
        String id = String.format("e%03d-s%08d", epoch, progress.step());
        long now = System.currentTimeMillis();
        CheckpointManifest manifest = new CheckpointManifest(SchemaVersion.CURRENT, spec.pipeline(), id, epoch,
                progress.step(), progress.samples(), spec.hash(), null, stats, now, resume);
        CheckpointWriter.Written written;
        if (id.equals(lastId)) {
            // The end of the last epoch fell on a step checkpoint: same parameters, only where to resume changed.
            written = writer.updateResume(lastWritten, manifest);
        } else {
            written = writer.write(session, manifest);
        }
        lastId = id;
        lastWritten = written;
        TrainingProgress.Window window = progress.window();
        CheckpointEvent event = new CheckpointEvent(SchemaVersion.CURRENT, spec.pipeline(), id, epoch,
                progress.step(), progress.samples(), stats.version(), spec.hash(), written.dir().toString(),
                written.sha256(), window.meanLoss(), window.samplesPerSecond(), finalCheckpoint, now,
                resume.lineageCount(), resume.lineageSha256(), stopReason);
        try {
            producer.send(Messages.data(Topics.CHECKPOINTS, spec.pipeline(), spec.pipeline(),
                    EventCodec.toBytes(event))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while announcing checkpoint " + id, e);
        } catch (ExecutionException e) {
            throw new IOException("cannot announce checkpoint " + id + ": " + e.getCause(), e.getCause());
        }
        LOG.infof("checkpoint %s: epoch %d, step %d, %d samples, loss %.4f, %.0f samples/s%s", id,
                epoch, progress.step(), progress.samples(), window.meanLoss(), window.samplesPerSecond(),
                finalCheckpoint ? " (final)" : "");
        return event;
    }

    /** The newest checkpoint to continue from, if any. */
    java.util.Optional<CheckpointWriter.Restorable> newest() {
        return writer.newest(spec.pipeline());
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
