package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicSurvey;
import io.streamtrain.testing.EmbeddedKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code streamtrain topics} on a broker of its own (the shared one already has every topic): it creates every
 * topic as documented, {@code --check} passes then, and fails naming a missing topic, too few train partitions for
 * the trainers, and a compacted topic that is not compacted.
 */
class TopicsCommandTest {

    private static EmbeddedKafka broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafka.startPrivate();
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** What a command printed and returned. */
    record Outcome(int exit, String out, String err) {
    }

    @Test
    void createsEveryTopicThenCheckPassesAndNamesWhatIsMissingOrMisconfigured() throws Exception {
        String kafka = broker.bootstrapServers();
        Outcome before = run("topics", "--kafka", kafka, "--check");
        assertThat(before.exit()).as(before.err()).isEqualTo(ExitCodes.FAILED);
        assertThat(before.err()).contains(Topics.BATCHES_TRAIN + " is missing", Topics.MODELS + " is missing",
                "./streamtrain topics --kafka " + kafka);
        try (Admin admin = Admin.create(new KafkaSettings(kafka).admin("test"))) {
            assertThat(admin.listTopics().names().get()).as("--check creates nothing").isEmpty();
        }

        Outcome created = run("topics", "--kafka", kafka, "--trainers", "3");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().lines().filter(line -> line.endsWith(" created"))).hasSize(Topics.ALL.size());
        assertThat(created.out()).containsPattern(Topics.BATCHES_TRAIN.replace(".", "\\.") + " +3 +delete +created")
                .containsPattern(Topics.STATS.replace(".", "\\.") + " +1 +compact +created");
        try (Admin admin = Admin.create(new KafkaSettings(kafka).admin("test"))) {
            Map<String, TopicSurvey.Existing> topics = TopicSurvey.existing(admin,
                    Topics.ALL.stream().map(Topics.TopicDefinition::name).toList(), Duration.ofSeconds(30));
            assertThat(topics).hasSize(Topics.ALL.size());
            assertThat(topics.get(Topics.MODELS).cleanupPolicy()).isEqualTo("compact");
            assertThat(topics.get(Topics.SYNC).maxMessageBytes()).isEqualTo(8 * 1024 * 1024);
        }
        assertThat(run("topics", "--kafka", kafka, "--check", "--trainers", "3").exit()).isZero();
        Outcome again = run("topics", "--kafka", kafka);
        assertThat(again.exit()).isZero();
        assertThat(again.out().lines().filter(line -> line.endsWith(" existing"))).hasSize(Topics.ALL.size());

        Outcome fourTrainers = run("topics", "--kafka", kafka, "--check", "--trainers", "4");
        assertThat(fourTrainers.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(fourTrainers.err()).contains(Topics.BATCHES_TRAIN + " has 3 partitions, 4 trainers need 4");

        try (Admin admin = Admin.create(new KafkaSettings(kafka).admin("test"))) {
            ConfigResource models = new ConfigResource(ConfigResource.Type.TOPIC, Topics.MODELS);
            admin.incrementalAlterConfigs(Map.of(models, List.of(new AlterConfigOp(new ConfigEntry(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE), AlterConfigOp.OpType.SET))))
                    .all().get();
            admin.deleteTopics(List.of(Topics.EVALUATIONS)).all().get();
        }
        Outcome broken = run("topics", "--kafka", kafka, "--check", "--trainers", "3");
        assertThat(broken.exit()).isEqualTo(ExitCodes.FAILED);
        assertThat(broken.err()).contains(Topics.EVALUATIONS + " is missing", Topics.MODELS + " is not compacted")
                .doesNotContain(Topics.STATS);
        assertThat(broken.out()).containsPattern(Topics.MODELS.replace(".", "\\.") + " +1 +delete +MISCONFIGURED");
    }

    private static Outcome run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errors, true, StandardCharsets.UTF_8));
            exit = StreamTrainCli.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        Outcome outcome = new Outcome(exit, printed.toString(StandardCharsets.UTF_8),
                errors.toString(StandardCharsets.UTF_8));
        out.print(outcome.out());
        err.print(outcome.err());
        return outcome;
    }
}
