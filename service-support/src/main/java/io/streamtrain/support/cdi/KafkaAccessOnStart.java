package io.streamtrain.support.cdi;

import io.quarkus.runtime.StartupEvent;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.RequiredTopics;
import io.streamtrain.support.kafka.TopicPresence;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Stops a service at start, with a message that says why, when it cannot work with the broker: when the broker
 * refuses its Kafka credentials or certificates (a wrong password fails once and clearly instead of in every
 * loop), when the broker does not answer within {@code streamtrain.startup.kafka-wait}, or when the topics the
 * service declares ({@link RequiredTopics}) still do not exist then: the message names them and the command that
 * creates them. Runs after the spec is loaded (an invalid spec is reported first) and before the services' own
 * start-up observers, which would otherwise read a missing topic as an empty one.
 */
@ApplicationScoped
public class KafkaAccessOnStart {

    private static final Logger LOG = Logger.getLogger(KafkaAccessOnStart.class);
    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(5);
    private static final long RETRY_MILLIS = 1_000;

    void onStart(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event, PipelineSpec spec,
                 KafkaSettings kafka, Instance<RequiredTopics> required,
                 @ConfigProperty(name = "streamtrain.startup.kafka-wait", defaultValue = "PT30S") Duration wait)
            throws InterruptedException {
        KafkaAccessCheck.check(kafka, ASK_TIMEOUT);
        if (required.isResolvable()) {
            awaitTopics(kafka, required.get(), wait);
        }
    }

    private static void awaitTopics(KafkaSettings kafka, RequiredTopics required, Duration wait)
            throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        String logged = null;
        try (Admin admin = TopicPresence.admin(kafka, "streamtrain-start-check", ASK_TIMEOUT)) {
            while (true) {
                TopicPresence.Status status = TopicPresence.check(admin, kafka.bootstrapServers(), required,
                        ASK_TIMEOUT);
                if (status.up()) {
                    return;
                }
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException(status.answered() ? status.reason()
                            : status.reason() + " for " + wait.toSeconds() + " s (streamtrain.startup.kafka-wait): "
                            + "cannot check this service's topics (" + String.join(", ", required.names())
                            + "); is the broker running? Create the topics with ./streamtrain topics --kafka "
                            + kafka.bootstrapServers());
                }
                if (!status.reason().equals(logged)) {
                    LOG.infof("waiting up to %d s for Kafka and this service's topics: %s", wait.toSeconds(),
                            status.reason());
                    logged = status.reason();
                }
                Thread.sleep(RETRY_MILLIS);
            }
        }
    }
}
