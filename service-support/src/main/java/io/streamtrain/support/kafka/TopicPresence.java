package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks the broker whether a service's topics exist. In: an admin client, the broker's address, the required
 * topics, a timeout. Out: a {@link Status}: up, or down with a reason a person can act on (the broker did not
 * answer; the missing topics and the command that creates them).
 */
public final class TopicPresence {

    /** The outcome of one check. */
    public record Status(boolean up, boolean answered, List<String> missing, String reason) {

        static Status present() {
            return new Status(true, true, List.of(), "the broker has every topic this service needs");
        }

        static Status noAnswer(String reason) {
            return new Status(false, false, List.of(), reason);
        }
    }

    private TopicPresence() {
    }

    /** An admin client whose requests give up after {@code timeout} and that retries a lost broker calmly. */
    public static Admin admin(KafkaSettings kafka, String clientId, Duration timeout) {
        Properties properties = kafka.admin(clientId);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
        return Admin.create(properties);
    }

    public static Status check(Admin admin, String bootstrapServers, RequiredTopics required, Duration timeout) {
        try {
            List<String> missing = TopicSurvey.missing(admin, required.names(), timeout);
            return missing.isEmpty() ? Status.present()
                    : new Status(false, true, missing, missingMessage(bootstrapServers, missing));
        } catch (TimeoutException e) {
            return Status.noAnswer("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s");
        } catch (ExecutionException e) {
            return Status.noAnswer("Kafka at " + bootstrapServers + " did not list its topics: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Status.noAnswer("interrupted while asking Kafka at " + bootstrapServers + " for its topics");
        }
    }

    /** Names the missing topics and the command that creates them. */
    public static String missingMessage(String bootstrapServers, List<String> missing) {
        return "missing Kafka topics on " + bootstrapServers + ": " + String.join(", ", missing)
                + "; services do not create topics: create them with ./streamtrain topics --kafka "
                + bootstrapServers + " (see the README, \"Bring your own broker\")";
    }
}
