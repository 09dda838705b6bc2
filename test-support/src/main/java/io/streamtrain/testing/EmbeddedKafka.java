package io.streamtrain.testing;

import java.nio.file.Files;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka broker (KRaft, combined broker and controller) inside the test JVM. One per test run is enough:
 * {@link #shared()} starts it on first use and stops it when the JVM exits. Replication factors are set to 1;
 * without that, consumer groups and transactions silently never start on a single broker.
 *
 * <p>The broker's data lives in a directory of our own, deleted when the broker is closed. Left to itself the test
 * kit makes one that a JVM shutdown hook of Kafka's deletes; that hook ran beside the one closing the broker, the
 * broker lost its log directory while still writing and halted the JVM with exit code 1 after every test had
 * passed (Maven: "Error occurred in starting fork").
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static EmbeddedKafka shared;

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka() throws Exception {
        cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setBaseDirectory(Files.createTempDirectory("streamtrain-kafka-"))
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("offsets.topic.num.partitions", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("transaction.state.log.num.partitions", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
    }

    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            try {
                shared = new EmbeddedKafka();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the in-process Kafka broker", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /**
     * A broker of its own, for a test that changes what the others rely on (such as the number of train
     * partitions, a property of the topic every pipeline shares); the caller closes it.
     */
    public static EmbeddedKafka startPrivate() {
        try {
            return new EmbeddedKafka();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start an in-process Kafka broker", e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            // Shutting down at JVM exit: nothing left to do.
        }
    }
}
