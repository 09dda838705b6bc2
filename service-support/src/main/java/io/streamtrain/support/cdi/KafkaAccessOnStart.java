package io.streamtrain.support.cdi;

import io.quarkus.runtime.StartupEvent;
import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSettings;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;

/**
 * Stops a service at start, with a message that says why, when the broker refuses its Kafka credentials or
 * certificates: a wrong password fails once and clearly instead of in every loop, again and again. Runs before
 * the services' own start-up observers.
 */
@ApplicationScoped
public class KafkaAccessOnStart {

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, KafkaSettings kafka) {
        KafkaAccessCheck.check(kafka, Duration.ofSeconds(5));
    }
}
