package io.streamtrain.trainer;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of trainer-service ({@code /q/health/ready}): up once the PyTorch engine is loaded and the train
 * batch partitions are assigned, while training, waiting for data (idle by design) or after a completed run;
 * down while starting and after training failed. Data: the phase and what it means.
 */
@Readiness
public class TrainerReadiness implements HealthCheck {

    private final TrainerState state;

    public TrainerReadiness(TrainerState state) {
        this.state = state;
    }

    @Override
    public HealthCheckResponse call() {
        TrainerState.Phase phase = state.phase();
        return HealthCheckResponse.named("training-loop").status(phase.ready())
                .withData("phase", phase.name().toLowerCase()).withData("detail", state.detail()).build();
    }
}
