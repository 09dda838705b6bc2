package io.streamtrain.evaluator;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.RequiredTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The topics evaluator-service reads and writes. It stops at start while one is missing and reports not ready
 * when one is gone (service-support's KafkaAccessOnStart and KafkaReadiness); it never creates them.
 */
@ApplicationScoped
public class EvaluatorTopics {

    @Produces
    @Singleton
    RequiredTopics requiredTopics() {
        return RequiredTopics.of(Topics.CHECKPOINTS, Topics.BATCHES_VALIDATION, Topics.STATS, Topics.EVALUATIONS,
                Topics.MODELS, Topics.PROGRESS, Topics.RECORDS, Topics.REJECTED);
    }
}
