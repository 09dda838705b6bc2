package io.streamtrain.evaluator;

import io.streamtrain.contracts.CheckpointEvent;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicReader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * Finds a checkpoint of the pipeline by id. In: the checkpoint topic, read from the beginning on each call (a
 * manual override is rare; the topic holds one small event per checkpoint). Out: the latest event with that id.
 */
@ApplicationScoped
public class CheckpointLookup {

    private final PipelineSpec spec;
    private final PipelineRun run;
    private final KafkaSettings kafka;

    public CheckpointLookup(PipelineSpec spec, PipelineRun run, KafkaSettings kafka) {
        this.spec = spec;
        this.run = run;
        this.kafka = kafka;
    }

    Optional<CheckpointEvent> find(String checkpointId) {
        CheckpointEvent[] found = new CheckpointEvent[1];
        new TopicReader(kafka).readAll(Topics.CHECKPOINTS, record -> {
            if (spec.pipeline().equals(Messages.pipelineOf(record)) && Messages.belongsToRun(record, run.runId())
                    && record.value() != null) {
                try {
                    CheckpointEvent event = EventCodec.fromBytes(record.value(), CheckpointEvent.class);
                    if (checkpointId.equals(event.checkpointId())) {
                        found[0] = event;
                    }
                } catch (IllegalArgumentException e) {
                    // Not a checkpoint event: skip it.
                }
            }
        });
        return Optional.ofNullable(found[0]);
    }
}
