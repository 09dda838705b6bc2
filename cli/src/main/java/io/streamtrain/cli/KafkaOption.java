package io.streamtrain.cli;

import picocli.CommandLine.Option;

/** The {@code --kafka} option of the commands that talk to a running deployment. */
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
}
