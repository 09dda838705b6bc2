package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.ProgressWatch;
import io.streamtrain.support.kafka.RequiredTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;

/**
 * The topics trainer-service reads and writes. It stops at start while one is missing and reports not ready
 * when one is gone (service-support's KafkaAccessOnStart and KafkaReadiness); it never creates them. Also the
 * watch on its input that the readiness check {@code progress} asks (ProgressReadiness): the training loop reports
 * its steps and the train batches waiting to it.
 */
@ApplicationScoped
public class TrainerTopics {

    /** A trainer of a group ({@code train.sync}) also needs the sync topic. */
    @Produces
    @Singleton
    RequiredTopics requiredTopics(PipelineSpec spec) {
        List<String> topics = new ArrayList<>(List.of(Topics.BATCHES_TRAIN, Topics.STATS, Topics.PROGRESS,
                Topics.CHECKPOINTS, Topics.EVALUATIONS));
        if (spec.train().sync() != null) {
            topics.add(Topics.SYNC);
        }
        return new RequiredTopics(topics);
    }

    @Produces
    @Singleton
    ProgressWatch trainBatchesWatch() {
        return new ProgressWatch(Topics.BATCHES_TRAIN);
    }
}
