package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.cli.local.FreePorts;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.testing.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running service's readiness fails loud: the packaged ingest-service reports DOWN, naming the topic, when one of
 * its topics is deleted, UP again once it is back, and DOWN within 30 s, saying the broker does not answer, when
 * the broker stops; liveness stays UP throughout (a supervisor must not restart it for a broker outage).
 */
class ServiceReadinessTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void readinessGoesDownWhenATopicIsGoneOrTheBrokerStopsAndLivenessStaysUp() throws Exception {
        Path spec = Files.writeString(dir.resolve("ok.yaml"), "pipeline: p\ndata: {label: y, task: classification}\n");
        int port = FreePorts.next();
        EmbeddedKafka broker = EmbeddedKafka.startPrivate();
        ManagedProcess ingest = null;
        try {
            String kafka = broker.bootstrapServers();
            TopicAdmin.ensureTopics(kafka, 1);
            ingest = ManagedProcess.start("ingest-service", ManagedProcess.java(List.of(
                    "-Dstreamtrain.spec=" + spec, "-Dkafka.bootstrap.servers=" + kafka,
                    "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1",
                    "-jar", Home.locate().serviceJar("ingest-service").toString())), Map.of(), dir);
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");
            URI live = URI.create("http://127.0.0.1:" + port + "/q/health/live");
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(get(ready).statusCode()).isEqualTo(200));

            try (Admin admin = Admin.create(new KafkaSettings(kafka).admin("test"))) {
                admin.deleteTopics(List.of(Topics.REJECTED)).all().get();
            }
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> response = get(ready);
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).contains("kafka-topics", Topics.REJECTED, "./streamtrain topics --kafka");
            });
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                TopicAdmin.ensureTopics(kafka, 1);
                assertThat(get(ready).statusCode()).isEqualTo(200);
            });

            long stopped = System.nanoTime();
            broker.close();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                HttpResponse<String> response = get(ready);
                assertThat(response.statusCode()).isEqualTo(503);
                assertThat(response.body()).contains("did not answer");
            });
            System.out.printf("readiness DOWN %.1f s after the broker stopped%n", (System.nanoTime() - stopped) / 1e9);
            assertThat(get(live).statusCode()).as("liveness during the outage").isEqualTo(200);
            assertThat(ingest.alive()).isTrue();
        } finally {
            if (ingest != null) {
                ingest.close();
            }
            broker.close();
        }
    }

    private HttpResponse<String> get(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
