package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;

/**
 * Asks the broker once, before a service or the CLI starts working, whether it accepts this process's connection
 * settings. In: the settings. Out: nothing when the broker answered, or did not answer in time (the clients then
 * keep trying, as they do while a broker starts); a {@link Refused} naming the broker, the protocol, mechanism and
 * user (never a secret) when it refused the credentials or the TLS handshake, which Kafka clients do not retry.
 */
public final class KafkaAccessCheck {

    private KafkaAccessCheck() {
    }

    /** The broker refused this process's credentials or certificates. */
    public static final class Refused extends RuntimeException {
        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static void check(KafkaSettings kafka, Duration timeout) {
        Properties properties = kafka.admin("streamtrain-access-check");
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        Admin admin = Admin.create(properties);
        try {
            admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new Refused("Kafka at " + kafka.bootstrapServers() + " refused this client ("
                        + KafkaSecurity.describe(kafka.security()) + "): " + refused.getMessage()
                        + "; check the KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_* and KAFKA_SSL_* settings", refused);
            }
        } catch (TimeoutException e) {
            // Not reachable yet: the clients keep trying.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }
}
