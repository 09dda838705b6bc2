package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.cli.local.LocalBroker;
import io.streamtrain.cli.local.LocalSecurity;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSecurity;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka security on the project's own broker launcher, secured with a certificate authority and certificates made
 * for this test: a SASL_SSL listener (SCRAM-SHA-512 on TLS) and a mutual-TLS listener, no plaintext one. The whole
 * a wrong password fails at once and says why, in the CLI and in a service; a client without credentials gets
 * nothing; a client certificate signed by the authority is let in; the packaged ingest-service on that broker takes
 * uploads only with a bearer token of the ingest role. ({@link PrivateFieldsEndToEndTest} runs the whole pipeline
 * with {@code demo --secure}.)
 */
class KafkaSecurityTest {

    private static final Path IRIS = Path.of("src/test/resources/iris");
    private static final String TOPIC = "security-test";
    private static final String SECRET_VALUE = "only-for-authenticated-readers";

    @TempDir
    static Path shared;
    private static LocalSecurity security;
    private static LocalBroker broker;

    @TempDir
    Path work;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        security = LocalSecurity.create(shared);
        broker = LocalBroker.start(shared, Duration.ofSeconds(90), security);
        KafkaSettings allowed = new KafkaSettings(broker.bootstrapServers(), security.scramClient());
        try (Admin admin = Admin.create(allowed.admin("security-test-admin"))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(allowed.producer("security-test"))) {
            producer.send(new ProducerRecord<>(TOPIC, "k", SECRET_VALUE.getBytes())).get();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aWrongPasswordFailsAtOnceWithAMessageThatSaysWhyInTheCliAndInAService() throws Exception {
        KafkaSettings wrong = new KafkaSettings(broker.bootstrapServers(),
                security.scramClient(LocalSecurity.CLIENT_USER, "not-the-password"));
        long started = System.nanoTime();
        assertThatThrownBy(() -> KafkaAccessCheck.check(wrong, Duration.ofSeconds(30)))
                .isInstanceOf(KafkaAccessCheck.Refused.class)
                .hasMessageContaining("refused this client")
                .hasMessageContaining("sasl.mechanism=SCRAM-SHA-512, user 'streamtrain'")
                .hasMessageNotContaining("not-the-password");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));

        // A packaged service given the same settings stops at start instead of retrying forever.
        Map<String, String> environment = KafkaSecurity.asEnvironment(wrong.security());
        assertThatThrownBy(() -> LocalServices.start(Home.locate(), List.of("ingest-service"),
                IRIS.resolve("pipeline.yaml"), broker.bootstrapServers(), work, Duration.ofSeconds(120),
                LocalServices.DEFAULT_JVM_OPTIONS, environment))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("ingest-service exited")
                .hasMessageContaining("refused this client");
        assertThat(Files.readString(work.resolve("logs/ingest-service.log"))).doesNotContain("not-the-password");
    }

    @Test
    void thePackagedIngestServiceOverSaslSslTakesUploadsOnlyWithATokenOfTheIngestRole() throws Exception {
        Map<String, String> environment = new HashMap<>(KafkaSecurity.asEnvironment(security.scramClient()));
        environment.putAll(security.serviceEnvironment());
        TopicAdmin.ensureTopics(new KafkaSettings(broker.bootstrapServers(), security.scramClient()), 1);
        try (LocalServices ingest = LocalServices.start(Home.locate(), List.of("ingest-service"),
                IRIS.resolve("pipeline.yaml"), broker.bootstrapServers(), work, Duration.ofSeconds(120),
                LocalServices.DEFAULT_JVM_OPTIONS, environment)) {
            java.net.URI upload = java.net.URI.create("http://127.0.0.1:" + ingest.ports().get("ingest-service")
                    + "/pipelines/iris-e2e/records?source=secured.csv");
            String csv = Files.readAllLines(IRIS.resolve("iris-dirty.csv")).subList(0, 3).stream()
                    .reduce((a, b) -> a + "\n" + b).orElseThrow() + "\n";
            assertThat(post(upload, csv, null)).isEqualTo(401);
            assertThat(post(upload, csv, security.token("predict"))).isEqualTo(403);
            assertThat(post(upload, csv, security.token("ingest"))).isEqualTo(202);
        }
    }

    private static int post(java.net.URI uri, String body, String token) throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(uri).header("Content-Type", "text/csv")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return java.net.http.HttpClient.newHttpClient().send(request.build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void aClientWithoutCredentialsGetsNothingAndACertificateFromTheAuthorityGetsIn() {
        String scram = broker.bootstrapServers();
        String mutualTls = broker.certificateBootstrapServers();
        assertThat(read(scram, Map.of())).as("plaintext to the SASL_SSL listener").isEmpty();
        assertThat(read(scram, security.trustingClient("SSL"))).as("TLS without SASL").isEmpty();
        assertThat(read(scram, security.trustingClient("SASL_SSL"))).as("SASL_SSL without a login").isEmpty();
        assertThat(read(mutualTls, security.trustingClient("SSL"))).as("TLS without a certificate").isEmpty();

        assertThat(read(mutualTls, security.certificateClient())).containsExactly(SECRET_VALUE);
        assertThat(read(scram, security.scramClient())).containsExactly(SECRET_VALUE);
    }

    /** What a consumer with these settings reads from the test topic within five seconds; errors read nothing. */
    private static List<String> read(String bootstrap, Map<String, String> settings) {
        Map<String, String> clean = new HashMap<>(settings);
        Properties properties = new KafkaSettings(bootstrap, clean).consumer("security-test-reader", null);
        properties.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        properties.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties)) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            while (System.nanoTime() < deadline && values.isEmpty()) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(new String(r.value())));
            }
        } catch (KafkaException refused) {
            // Refused (authentication, TLS handshake) or timed out: nothing was read.
        }
        return values;
    }
}
