package io.streamtrain.cli.local;

import io.streamtrain.cli.CliException;
import io.streamtrain.cli.ExitCodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) run from the Kafka jars on this
 * CLI's class path, as a child process with its data under {@code <workdir>/kafka}. No Docker, no download.
 *
 * <p>Plain, it listens with PLAINTEXT on 127.0.0.1. Secured ({@link LocalSecurity}), its client listener is
 * SASL_SSL with SCRAM-SHA-512 (also used between broker and itself), a second listener takes mutual TLS, and no
 * client listener is plaintext; the KRaft controller listener stays on 127.0.0.1 only.
 */
public final class LocalBroker implements AutoCloseable {

    private ManagedProcess process;
    private final String bootstrapServers;
    private final String certificateBootstrapServers;

    private LocalBroker(ManagedProcess process, String bootstrapServers, String certificateBootstrapServers) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.certificateBootstrapServers = certificateBootstrapServers;
    }

    public static LocalBroker start(Path workdir, Duration timeout) throws IOException, InterruptedException {
        return start(workdir, timeout, null);
    }

    /** A broker secured with {@code security}'s certificates and SCRAM users, or a plain one when it is null. */
    public static LocalBroker start(Path workdir, Duration timeout, LocalSecurity security)
            throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workdir.resolve("kafka"));
        Path config = dir.resolve("server.properties");
        // A work directory started before keeps its broker's ports when they are free, so its clients find it again.
        Map<String, Integer> before = listenerPorts(config);
        int port = portOf(before, security == null ? "PLAINTEXT" : "SASL_SSL");
        int controllerPort = portOf(before, "CONTROLLER");
        int certificatePort = security == null ? -1 : portOf(before, "SSL");
        List<String> properties = new java.util.ArrayList<>(List.of(
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "controller.listener.names=CONTROLLER"));
        if (security == null) {
            properties.addAll(List.of(
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"));
        } else {
            properties.addAll(List.of(
                    "listeners=SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + certificatePort
                            + ",CONTROLLER://127.0.0.1:" + controllerPort,
                    "advertised.listeners=SASL_SSL://127.0.0.1:" + port + ",SSL://127.0.0.1:" + certificatePort,
                    "inter.broker.listener.name=SASL_SSL",
                    "listener.security.protocol.map=SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:PLAINTEXT"));
            properties.addAll(security.brokerProperties());
        }
        properties.addAll(List.of(
                "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                "num.partitions=1",
                "auto.create.topics.enable=false",
                // A single node: every internal topic has one replica, or groups and transactions never start.
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                ""));
        Files.writeString(config, String.join(System.lineSeparator(), properties));
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, String.join(System.lineSeparator(),
                "rootLogger.level=WARN",
                "rootLogger.appenderRef.out.ref=out",
                "appender.out.type=Console",
                "appender.out.name=out",
                "appender.out.layout.type=PatternLayout",
                "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p [%c{1}] %m%n",
                "logger.kafka.name=kafka.server.KafkaRaftServer",
                "logger.kafka.level=INFO",
                ""));
        String classPath = ManagedProcess.classPath();
        List<String> jvm = List.of("-Xmx512m", "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + log4j, "-cp",
                classPath);
        List<String> formatArguments = new java.util.ArrayList<>(List.of("kafka.tools.StorageTool", "format",
                "--ignore-formatted", "-t", Uuid.randomUuid().toString(), "-c", config.toString()));
        if (security != null) {
            for (String credential : security.scramCredentials()) {
                formatArguments.addAll(List.of("--add-scram", credential));
            }
        }
        // Storage formatted by an earlier run keeps its cluster id and data (formatting again would refuse it).
        if (!Files.isRegularFile(dir.resolve("data").resolve("meta.properties"))) {
            format(workdir, jvm, formatArguments);
        }
        ManagedProcess broker = ManagedProcess.start("kafka", ManagedProcess.java(concat(jvm,
                List.of("kafka.Kafka", config.toString()))), Map.of(), workdir);
        LocalBroker started = new LocalBroker(broker, "127.0.0.1:" + port,
                security == null ? null : "127.0.0.1:" + certificatePort);
        try {
            started.awaitReady(timeout, security == null ? Map.of() : security.scramClient());
        } catch (RuntimeException | InterruptedException e) {
            started.close();
            throw e;
        }
        return started;
    }

    private static void format(Path workdir, List<String> jvm, List<String> formatArguments)
            throws IOException, InterruptedException {
        ManagedProcess format = ManagedProcess.start("kafka-format", ManagedProcess.java(concat(jvm,
                formatArguments)), Map.of(), workdir);
        int formatted = format.waitFor(120);
        format.close();
        if (formatted != 0) {
            throw new CliException(ExitCodes.FAILED, "cannot format the local Kafka storage (exit " + formatted
                    + "):" + System.lineSeparator() + format.logSince(format.logStartedAt(), 20));
        }
    }

    /** The client listener: PLAINTEXT, or SASL_SSL when secured. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The mutual-TLS listener of a secured broker; null for a plain one. */
    public String certificateBootstrapServers() {
        return certificateBootstrapServers;
    }

    public ManagedProcess process() {
        return process;
    }

    /**
     * Watches the broker as {@code up}'s supervisor does, for a run that has no supervisor ({@code demo}): null
     * while it lives; when it died, restarts it on the same port and data and says why it died, or, when the disk
     * of {@code workdir} is full, fails at once saying so (a restart would die the same way).
     */
    public String restartIfDead(Path workdir) throws IOException {
        if (process.alive()) {
            return null;
        }
        String reason = FailureReason.of(process.exitCode(), process.logSince(process.logStartedAt(), 40),
                Files.getFileStore(workdir).getUsableSpace());
        if (FailureReason.diskFull(reason)) {
            throw new CliException(ExitCodes.FAILED, "the local Kafka broker stopped: " + reason + System.lineSeparator()
                    + "free some space under " + workdir + " and run again (its log: " + process.log() + ")");
        }
        process = process.restart();
        return "the local Kafka broker exited (" + reason + "); restarted on " + bootstrapServers;
    }

    private void awaitReady(Duration timeout, Map<String, String> clientSecurity) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = new Properties();
        props.putAll(clientSecurity);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            while (true) {
                if (!process.alive()) {
                    throw new CliException(ExitCodes.FAILED, "the local Kafka broker exited with code "
                            + process.exitCode() + ":" + System.lineSeparator() + process.logTail(30));
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new CliException(ExitCodes.FAILED, "the local Kafka broker did not start within "
                                + timeout.toSeconds() + " s; see " + process.log());
                    }
                    Thread.sleep(250);
                }
            }
        }
    }

    /** The ports of the listeners in an earlier run's server.properties, by listener name; empty without one. */
    static Map<String, Integer> listenerPorts(Path config) throws IOException {
        Map<String, Integer> ports = new java.util.HashMap<>();
        if (!Files.isRegularFile(config)) {
            return ports;
        }
        for (String line : Files.readAllLines(config)) {
            if (line.startsWith("listeners=")) {
                java.util.regex.Matcher listener = java.util.regex.Pattern.compile("(\\w+)://[^:,]+:(\\d+)")
                        .matcher(line);
                while (listener.find()) {
                    ports.put(listener.group(1), Integer.parseInt(listener.group(2)));
                }
            }
        }
        return ports;
    }

    private static int portOf(Map<String, Integer> before, String listener) {
        Integer port = before.get(listener);
        return port != null && FreePorts.free(port) ? port : FreePorts.next();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Override
    public void close() {
        process.close();
    }
}
