package io.streamtrain.support.cdi;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.RequiredTopics;
import io.streamtrain.support.kafka.TopicPresence;
import io.streamtrain.support.kafka.TopicWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of every service ({@code /q/health/ready}, check {@code kafka-topics}): down, saying why, while the
 * broker does not answer or a topic the service needs is gone; the answer comes from a {@link TopicWatch} that asks
 * the broker every 5 s with a 5 s timeout, so an outage shows within about 10 s. Readiness only: a broker outage
 * is not the service's fault, and failing liveness would make a supervisor restart it again and again.
 */
@Readiness
@ApplicationScoped
public class KafkaReadiness implements HealthCheck {

    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private volatile TopicWatch watch;

    void onStart(@Observes StartupEvent event, KafkaSettings kafka, Instance<RequiredTopics> required) {
        RequiredTopics topics = required.isResolvable() ? required.get() : RequiredTopics.of();
        watch = new TopicWatch(kafka, topics, INTERVAL, TIMEOUT).start();
    }

    void onStop(@Observes ShutdownEvent event) {
        if (watch != null) {
            watch.close();
        }
    }

    @Override
    public HealthCheckResponse call() {
        TopicWatch current = watch;
        if (current == null) {
            return HealthCheckResponse.named("kafka-topics").down().withData("reason", "starting").build();
        }
        TopicPresence.Status status = current.status();
        return HealthCheckResponse.named("kafka-topics").status(status.up())
                .withData("kafka", current.bootstrapServers()).withData("reason", status.reason()).build();
    }
}
