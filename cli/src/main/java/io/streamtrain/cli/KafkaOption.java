package io.streamtrain.cli;

import io.streamtrain.support.kafka.KafkaAccessCheck;
import io.streamtrain.support.kafka.KafkaSettings;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The {@code --kafka} option of the commands that talk to a running deployment; the connection's security
 * settings come from the environment ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_*}, {@code KAFKA_SSL_*}).
 */
public final class KafkaOption {

    @Option(names = "--kafka", description = "Bootstrap servers (HOST:PORT). Default: $KAFKA_BOOTSTRAP_SERVERS.")
    String kafka;

    /** The configured bootstrap servers; fails with a usage error when there are none. */
    public String bootstrapServers() {
        String servers = kafka != null ? kafka : System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        if (servers == null || servers.isBlank()) {
            throw new CliException(ExitCodes.USAGE, "no broker given: use --kafka HOST:PORT or set "
                    + "KAFKA_BOOTSTRAP_SERVERS");
        }
        return servers;
    }

    /**
     * The client settings of the configured broker, with the environment's security settings; fails with a usage
     * error, at once, when the broker refuses them.
     */
    public KafkaSettings settings() {
        KafkaSettings settings = KafkaSettings.fromEnvironment(bootstrapServers());
        try {
            KafkaAccessCheck.check(settings, Duration.ofSeconds(15));
        } catch (KafkaAccessCheck.Refused e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        return settings;
    }
}
