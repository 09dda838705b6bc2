package io.streamtrain.support.cdi;

import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSecurity;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PipelineRun;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives every service the same pipeline spec (from {@code streamtrain.spec}, a YAML file) and Kafka client
 * settings (from {@code kafka.bootstrap.servers}, and the security properties {@code kafka.security.protocol},
 * {@code kafka.sasl.*} and {@code kafka.ssl.*}, e.g. the environment variable {@code KAFKA_SASL_JAAS_CONFIG}), and
 * the pipeline's run (its name and {@code streamtrain.run-id}, {@code STREAMTRAIN_RUN_ID}; unset or empty: no run
 * id). A service that injects the spec at start-up fails to start, with the offending key in the message, when the
 * spec is invalid.
 */
@ApplicationScoped
public class ServiceConfiguration {

    @Produces
    @Singleton
    PipelineSpec pipelineSpec(@ConfigProperty(name = "streamtrain.spec") String specPath) {
        return SpecLoader.load(Path.of(specPath));
    }

    @Produces
    @Singleton
    PipelineRun pipelineRun(PipelineSpec spec, @ConfigProperty(name = "streamtrain.run-id") Optional<String> runId) {
        return new PipelineRun(spec.pipeline(), runId.orElse(null));
    }

    @Produces
    @Singleton
    KafkaSettings kafkaSettings(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                                Config config) {
        return new KafkaSettings(bootstrapServers,
                KafkaSecurity.from(name -> config.getOptionalValue(name, String.class)));
    }
}
