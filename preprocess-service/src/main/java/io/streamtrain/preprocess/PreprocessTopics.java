package io.streamtrain.preprocess;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.ProgressWatch;
import io.streamtrain.support.kafka.RequiredTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The topics preprocess-service reads and writes. It stops at start while one is missing and reports not ready
 * when one is gone (service-support's KafkaAccessOnStart and KafkaReadiness); it never creates them. Also the
 * watch on its input that the readiness check {@code progress} asks (ProgressReadiness).
 */
@ApplicationScoped
public class PreprocessTopics {

    @Produces
    @Singleton
    RequiredTopics requiredTopics() {
        return RequiredTopics.of(Topics.RECORDS, Topics.REJECTED, Topics.STATS, Topics.BATCHES_TRAIN,
                Topics.BATCHES_VALIDATION);
    }

    @Produces
    @Singleton
    ProgressWatch inputWatch() {
        return new ProgressWatch(Topics.RECORDS);
    }
}
