package io.streamtrain.support.cdi;

import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import io.smallrye.common.annotation.Identifier;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Gives every service the same pipeline spec (from {@code streamtrain.spec}, a YAML file) and Kafka client
 * settings (from {@code kafka.bootstrap.servers}). A service that injects the spec at start-up fails to start,
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
    Map<String, Object> pipelineChannelConfiguration(PipelineSpec spec,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        return Map.of("group.id", "streamtrain-" + service + "-" + spec.pipeline());
    }

    @Produces
    @Singleton
    KafkaSettings kafkaSettings(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        return new KafkaSettings(bootstrapServers);
    }
}
