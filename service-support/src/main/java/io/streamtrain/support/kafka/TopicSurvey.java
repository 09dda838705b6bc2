package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What a broker has of a set of topics. In: an admin client, the topic names, a timeout. Out: the names that do
 * not exist ({@link #missing}), or each existing topic's partitions, cleanup policy and largest message
 * ({@link #existing}). A broker that does not answer in time gives a {@link TimeoutException}.
 */
public final class TopicSurvey {

    /** A topic as the broker has it. */
    public record Existing(String name, int partitions, String cleanupPolicy, int maxMessageBytes) {
    }

    private TopicSurvey() {
    }

    /** The given topics that do not exist on the broker, in the given order. */
    public static List<String> missing(Admin admin, Collection<String> names, Duration timeout)
            throws TimeoutException, ExecutionException, InterruptedException {
        Set<String> present = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return names.stream().filter(name -> !present.contains(name)).toList();
    }

    /** The given topics that exist, by name, with their partitions and settings. */
    public static Map<String, Existing> existing(Admin admin, Collection<String> names, Duration timeout)
            throws TimeoutException, ExecutionException, InterruptedException {
        List<String> present = new ArrayList<>(names);
        present.removeAll(missing(admin, names, timeout));
        Map<String, Existing> topics = new TreeMap<>();
        if (present.isEmpty()) {
            return topics;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(present).allTopicNames()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = present.stream()
                .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name)).toList();
        Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        for (ConfigResource resource : resources) {
            Config config = configs.get(resource);
            String name = resource.name();
            topics.put(name, new Existing(name, descriptions.get(name).partitions().size(),
                    value(config, TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE),
                    Integer.parseInt(value(config, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "1048588"))));
        }
        return topics;
    }

    private static String value(Config config, String key, String fallback) {
        ConfigEntry entry = config == null ? null : config.get(key);
        return entry == null || entry.value() == null ? fallback : entry.value();
    }
}
