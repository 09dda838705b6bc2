package io.streamtrain.support.cdi;

import io.streamtrain.support.kafka.ProgressWatch;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of every service whose loop reports its progress (check {@code progress}): down, saying why, once
 * messages have waited {@link ProgressWatch#LIMIT} for it without any progress; up while it keeps up or has nothing
 * to do. In: the service's {@link ProgressWatch} bean, when it has one. Readiness only, like {@link KafkaReadiness}.
 */
@Readiness
@ApplicationScoped
public class ProgressReadiness implements HealthCheck {

    @Inject
    Instance<ProgressWatch> watch;

    @Override
    public HealthCheckResponse call() {
        if (!watch.isResolvable()) {
            return HealthCheckResponse.named("progress").up().build();
        }
        String stalled = watch.get().stalled();
        return HealthCheckResponse.named("progress").status(stalled == null)
                .withData("reason", stalled == null ? "keeps up with its input" : stalled).build();
    }
}
