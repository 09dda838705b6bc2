package io.streamtrain.support.cdi;

import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSecurity;
import io.streamtrain.support.kafka.KafkaSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.smallrye.common.annotation.Identifier;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives every service the same pipeline spec (from {@code streamtrain.spec}, a YAML file) and Kafka client
 * settings (from {@code kafka.bootstrap.servers}, and the security properties {@code kafka.security.protocol},
 * {@code kafka.sasl.*} and {@code kafka.ssl.*}, e.g. the environment variable {@code KAFKA_SASL_JAAS_CONFIG}). A service that injects the spec at start-up fails to start,
 * with the offending key in the message, when the spec is invalid.
 */
@ApplicationScoped
public class ServiceConfiguration {

    @Produces
    @Singleton
    PipelineSpec pipelineSpec(@ConfigProperty(name = "streamtrain.spec") String specPath) {
        return SpecLoader.load(Path.of(specPath));
    }

    /**
     * Kafka settings that channels name with {@code kafka-configuration=streamtrain-pipeline}: a consumer group of
     * their own per service and pipeline, so deployments of several pipelines can share the topics.
     */
    @Produces
    @Identifier("streamtrain-pipeline")
    Map<String, Object> pipelineChannelConfiguration(PipelineSpec spec, KafkaSettings kafka,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        Map<String, Object> configuration = new java.util.HashMap<>(kafka.security());
        configuration.put("group.id", "streamtrain-" + service + "-" + spec.pipeline());
        return Map.copyOf(configuration);
    }

    @Produces
    @Singleton
    KafkaSettings kafkaSettings(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                                Config config) {
        return new KafkaSettings(bootstrapServers,
                KafkaSecurity.from(name -> config.getOptionalValue(name, String.class)));
    }
}
