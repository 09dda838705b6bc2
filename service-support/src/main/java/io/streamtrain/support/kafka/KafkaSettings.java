package io.streamtrain.support.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Client settings shared by the services and the CLI: the broker, its connection security ({@link KafkaSecurity}:
 * SASL, TLS), string keys, byte values, durable and idempotent writes.
 */
public final class KafkaSettings {

    private final String bootstrapServers;
    private final Map<String, String> security;

    /** A broker reached over PLAINTEXT. */
    public KafkaSettings(String bootstrapServers) {
        this(bootstrapServers, Map.of());
    }

    /** A broker reached with the given security properties (see {@link KafkaSecurity#PROPERTIES}). */
    public KafkaSettings(String bootstrapServers, Map<String, String> security) {
        for (String property : security.keySet()) {
            if (!KafkaSecurity.PROPERTIES.contains(property)) {
                throw new IllegalArgumentException(property + " is not a Kafka client security property");
            }
        }
        this.bootstrapServers = bootstrapServers;
        this.security = Map.copyOf(security);
    }

    /** A broker reached with the security settings of this process's environment ({@link KafkaSecurity}). */
    public static KafkaSettings fromEnvironment(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, KafkaSecurity.fromEnvironment());
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The connection security properties every client gets; empty for PLAINTEXT. */
    public Map<String, String> security() {
        return security;
    }

    /** An admin client's settings. */
    public Properties admin(String clientId) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        return p;
    }

    public Properties producer(String clientId) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(64 * 1024));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        return p;
    }

    /** A transactional producer's settings; {@code transactionalId} must be unique per instance. */
    public Properties transactionalProducer(String clientId, String transactionalId) {
        Properties p = producer(clientId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        return p;
    }

    /** A consumer that reads committed data only; {@code groupId} null means manual assignment, no group. */
    public Properties consumer(String clientId, String groupId) {
        Properties p = new Properties();
        p.putAll(security);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return p;
    }

    /**
     * A static member of consumer group {@code groupId}: its {@code group.instance.id} is {@code instanceId} (a
     * service's {@code streamtrain.instance-id}), so an instance restarted under the same id takes its partitions
     * back at once instead of waiting for the dead member's session to end, and a session of
     * {@link #GROUP_SESSION_TIMEOUT_MS} lets a replacement under another id take over soon. Instance ids must be
     * unique per group: a second live member with the same id fences the first (FencedInstanceIdException).
     */
    public Properties groupMember(String clientId, String groupId, String instanceId) {
        if (instanceId == null || instanceId.isBlank()) {
            throw new IllegalArgumentException("a static group member needs an instance id");
        }
        Properties p = consumer(clientId, groupId);
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId);
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(GROUP_SESSION_TIMEOUT_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Integer.toString(GROUP_SESSION_TIMEOUT_MS / 4));
        return p;
    }

    /** How long a group member that stopped heartbeating keeps its partitions (the client default is 45 s). */
    public static final int GROUP_SESSION_TIMEOUT_MS = 10_000;
}
