package io.streamtrain.ingest;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.ProgressWatch;
import io.streamtrain.support.kafka.RequiredTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The topics ingest-service reads and writes. It stops at start while one is missing and reports not ready
 * when one is gone (service-support's KafkaAccessOnStart and KafkaReadiness); it never creates them. Also the
 * watch on its input that the readiness check {@code progress} asks (ProgressReadiness).
 */
@ApplicationScoped
public class IngestTopics {

    @Produces
    @Singleton
    RequiredTopics requiredTopics() {
        return RequiredTopics.of(Topics.INGEST, Topics.RECORDS, Topics.REJECTED);
    }

    @Produces
    @Singleton
    ProgressWatch inputWatch() {
        return new ProgressWatch(Topics.INGEST);
    }
}
