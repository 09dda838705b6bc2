package io.streamtrain.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.streamtrain.support.kafka.TopicAdmin;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the shared in-process broker, with the pipeline's topics created, and at the
 * test's pipeline spec ({@code pipeline.yaml} in the module's test resources unless {@code spec} is given).
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private String spec = "src/test/resources/pipeline.yaml";

    @Override
    public void init(Map<String, String> initArgs) {
        spec = initArgs.getOrDefault("spec", spec);
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        return Map.of("kafka.bootstrap.servers", bootstrap, "streamtrain.spec", spec);
    }

    @Override
    public void stop() {
        // The broker is shared by the whole test run and stops with the JVM.
    }
}
