package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.streamtrain.contracts.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The top-level {@code docker-compose.yml} against what the services need, without Docker: every service is
 * there with the settings it reads, a health check, the spec and the shared checkpoint volume, and the topic
 * script creates every topic of {@link Topics#ALL} with its compaction. ({@code .ci/run} also validates the file
 * with {@code docker-compose config -q}.)
 */
class ComposeFileTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void composeRunsEveryServiceOnItsTopics() throws Exception {
        JsonNode compose = new YAMLMapper().readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        assertThat(services.path("kafka").path("image").asText()).startsWith("apache/kafka:");
        assertThat(services.path("kafka").path("healthcheck").path("test").isMissingNode()).isFalse();
        for (String name : List.of("ingest-service", "preprocess-service", "trainer-service", "evaluator-service")) {
            JsonNode service = services.path(name);
            assertThat(service.path("build").path("args").path("SERVICE").asText()).as(name).isEqualTo(name);
            assertThat(Files.isRegularFile(ROOT.resolve(service.path("build").path("dockerfile").asText()))).isTrue();
            JsonNode env = service.path("environment");
            assertThat(env.path("KAFKA_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
            String port = env.path("QUARKUS_HTTP_PORT").asText();
            assertThat(service.path("healthcheck").path("test").toString()).contains("/q/health/ready", port);
            assertThat(service.path("volumes").toString())
                    .contains(":" + env.path("STREAMTRAIN_SPEC").asText() + ":ro")
                    .contains("checkpoints:" + env.path("STREAMTRAIN_CHECKPOINT_DIR").asText());
            assertThat(service.path("depends_on").path("topics").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
        }
        assertThat(compose.path("volumes").has("checkpoints")).isTrue();

        String script = Files.readString(ROOT.resolve("docker/create-topics.sh"));
        for (Topics.TopicDefinition topic : Topics.ALL) {
            Matcher line = Pattern.compile("^create " + Pattern.quote(topic.name()) + " (.*)$", Pattern.MULTILINE)
                    .matcher(script);
            assertThat(line.find()).as("the compose topics script creates %s", topic.name()).isTrue();
            assertThat(line.group(1).contains("cleanup.policy=compact")).as("compaction of %s", topic.name())
                    .isEqualTo(topic.compacted());
        }
    }
}
