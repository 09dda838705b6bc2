package io.streamtrain.cli.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.cli.StreamTrainCli;
import io.streamtrain.contracts.EventCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The whole pipeline against the broker users deploy: the {@code apache/kafka} image in a container
 * (Testcontainers), the four services as local processes started by the demo. Runs with {@code mvn -Pcontainers
 * verify} where a Docker engine exists; without one it is skipped ("disabled without Docker"), and the default
 * test command never runs it.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaEndToEndTest {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @TempDir
    Path work;

    @Test
    void irisTrainsAndIsEvaluatedOnTheContainerBroker() throws Exception {
        Path iris = Path.of("src/test/resources/iris");
        Path report = work.resolve("report.json");
        int exit = StreamTrainCli.run("demo", "--kafka", KAFKA.getBootstrapServers(), "--spec",
                iris.resolve("pipeline.yaml").toString(), "--data", iris.resolve("iris-dirty.csv").toString(),
                "--workdir", work.resolve("run").toString(), "--report", report.toString(), "--timeout", "PT6M");
        assertThat(exit).isZero();
        JsonNode result = EventCodec.mapper().readTree(Files.readAllBytes(report));
        assertThat(result.path("records").path("accepted").asLong()).isEqualTo(150);
        assertThat(result.path("champion").path("metrics").path("accuracy").asDouble()).isGreaterThan(0.85);
        assertThat(result.path("lineage").path("duplicates").asLong()).isZero();
    }
}
