package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * A group member killed with SIGKILL and started again under the same instance id (as the evaluator and ingest
 * join their groups) owns its partition again within 15 s, not after the dead member's session of 45 s.
 */
class StaticMemberRestartTest {

    private static final String INSTANCE_ID = "local-evaluator-service";

    @Test
    void aKilledMemberRestartedUnderItsInstanceIdGetsItsPartitionWithin15Seconds() throws Exception {
        KafkaSettings kafka = new KafkaSettings(EmbeddedKafka.shared().bootstrapServers());
        String topic = "restart-" + UUID.randomUUID();
        String group = "restart-group-" + UUID.randomUUID();
        try (Admin admin = Admin.create(kafka.admin("restart-test"))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Path output = Files.createTempFile("group-member", ".log");
        Process member = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), GroupMemberProcess.class.getName(),
                kafka.bootstrapServers(), group, topic, INSTANCE_ID)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(output).contains("assigned"));
        } finally {
            member.destroyForcibly();
            member.waitFor();
        }

        long killed = System.nanoTime();
        try (KafkaConsumer<String, byte[]> restarted = new KafkaConsumer<>(
                kafka.groupMember("member-" + INSTANCE_ID, group, INSTANCE_ID))) {
            restarted.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(15)).pollInSameThread().pollDelay(Duration.ZERO).until(() -> {
                restarted.poll(Duration.ofMillis(200));
                return !restarted.assignment().isEmpty();
            });
        }
        Duration took = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("restarted member assigned %d ms after the kill%n", took.toMillis());
        assertThat(took).isLessThan(Duration.ofSeconds(15));
    }
}
