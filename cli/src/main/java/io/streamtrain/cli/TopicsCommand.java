package io.streamtrain.cli;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicLayout;
import io.streamtrain.support.kafka.TopicPresence;
import io.streamtrain.support.kafka.TopicSurvey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain topics}: makes a broker ready for the services, which never create topics. In: the broker and
 * the number of trainers. Out: every missing topic created as {@link TopicLayout} says (the train batch topic grown
 * to a partition per trainer), a table of the topics, and exit 1 naming whatever is still wrong; with
 * {@code --check} nothing is changed and exit 1 names every missing or misconfigured topic.
 */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the pipeline's topics on a broker, or check them with --check.",
        footer = {"", "Examples:",
                "  ./streamtrain topics --kafka localhost:9092              # create the missing",
                "  ./streamtrain topics --kafka localhost:9092 --trainers 4 # 4 trainers",
                "  ./streamtrain topics --kafka localhost:9092 --check      # change nothing",
                "", "The train batch topic gets a partition per trainer (--trainers, at least),",
                "every other topic one; streamtrain.stats.v1 and streamtrain.models.v1 are",
                "compacted; ingest and sync take messages up to 8 MiB; retention is the",
                "broker's default. Existing topics are never deleted or reconfigured: a",
                "misconfigured one is named. Security settings come from",
                "$KAFKA_SECURITY_PROTOCOL, $KAFKA_SASL_* and $KAFKA_SSL_*.",
                "", "Exit codes: 0 every topic as it must be, 1 a topic missing or",
                "misconfigured (named) or no answer from Kafka, 2 bad usage or Kafka",
                "refused the login."})
public final class TopicsCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Mixin
    KafkaOption kafka;

    @Option(names = "--trainers", defaultValue = "1", description = "Trainers that will share the work: the train "
            + "batch topic needs at least this many partitions (default ${DEFAULT-VALUE}).")
    int trainers;

    @Option(names = "--check", description = "Create nothing; exit 1 naming every missing or misconfigured topic.")
    boolean check;

    /** One line of the table. */
    record Row(String topic, String partitions, String cleanupPolicy, String state) {
    }

    @Override
    public Integer call() {
        try {
            if (trainers < 1) {
                throw new CliException(ExitCodes.USAGE, "--trainers must be at least 1");
            }
            KafkaSettings settings = kafka.settings();
            List<TopicLayout.Topic> layout = TopicLayout.forTrainers(trainers);
            List<String> created = List.of();
            int trainPartitionsBefore = -1;
            Map<String, TopicSurvey.Existing> existing;
            try (Admin admin = TopicPresence.admin(settings, "streamtrain-cli-topics", TIMEOUT)) {
                if (!check) {
                    TopicSurvey.Existing train = TopicSurvey.existing(admin, List.of(Topics.BATCHES_TRAIN), TIMEOUT)
                            .get(Topics.BATCHES_TRAIN);
                    trainPartitionsBefore = train == null ? -1 : train.partitions();
                    created = TopicAdmin.createMissing(admin, layout);
                    TopicAdmin.ensureTrainPartitions(admin, trainers);
                }
                existing = TopicSurvey.existing(admin, layout.stream().map(TopicLayout.Topic::name).toList(), TIMEOUT);
            }
            List<Row> rows = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (TopicLayout.Topic topic : layout) {
                TopicSurvey.Existing actual = existing.get(topic.name());
                if (actual == null) {
                    rows.add(new Row(topic.name(), "-", "-", "MISSING"));
                    problems.add(topic.name() + " is missing");
                    continue;
                }
                List<String> wrong = topic.problemsWith(actual);
                problems.addAll(wrong);
                String state = !wrong.isEmpty() ? "MISCONFIGURED"
                        : created.contains(topic.name()) ? "created"
                        : topic.name().equals(Topics.BATCHES_TRAIN) && trainPartitionsBefore >= 0
                                && trainPartitionsBefore < actual.partitions() ? "partitions added" : "existing";
                rows.add(new Row(topic.name(), Integer.toString(actual.partitions()), actual.cleanupPolicy(), state));
            }
            System.out.print(table(rows));
            if (problems.isEmpty()) {
                System.out.println("every topic is ready on " + settings.bootstrapServers() + " for " + trainers
                        + (trainers == 1 ? " trainer" : " trainers"));
                return ExitCodes.OK;
            }
            System.err.println("streamtrain topics: " + problems.size()
                    + (problems.size() == 1 ? " problem" : " problems") + " on " + settings.bootstrapServers() + ":");
            problems.forEach(problem -> System.err.println("  " + problem));
            String command = "./streamtrain topics --kafka " + settings.bootstrapServers()
                    + (trainers > 1 ? " --trainers " + trainers : "");
            System.err.println((check ? command + " creates missing topics and adds train partitions; it"
                    : "this command") + " does not change an existing topic's settings: fix those with"
                    + " kafka-configs.sh, or delete the topic and run it again");
            return ExitCodes.FAILED;
        } catch (CliException e) {
            System.err.println("streamtrain topics: " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.err.println("streamtrain topics: interrupted");
            return ExitCodes.FAILED;
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            System.err.println("streamtrain topics: Kafka at " + kafka.bootstrapServers() + " did not answer: "
                    + cause);
            return ExitCodes.FAILED;
        }
    }

    static String table(List<Row> rows) {
        StringBuilder out = new StringBuilder(String.format("%-36s %10s  %-15s %s%n", "topic", "partitions",
                "cleanup.policy", "state"));
        rows.forEach(row -> out.append(String.format("%-36s %10s  %-15s %s%n", row.topic(), row.partitions(),
                row.cleanupPolicy(), row.state())));
        return out.toString();
    }
}
