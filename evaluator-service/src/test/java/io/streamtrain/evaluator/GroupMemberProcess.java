package io.streamtrain.evaluator;

import io.streamtrain.support.kafka.KafkaSettings;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * A consumer group member in a process of its own, for {@link StaticMemberRestartTest} to kill. In: the broker,
 * group, topic and instance id as arguments. Out: joins as a static member (as the services do) and prints
 * {@code assigned} once it owns a partition, then polls until killed.
 */
final class GroupMemberProcess {

    private GroupMemberProcess() {
    }

    public static void main(String[] args) {
        String bootstrap = args[0];
        String group = args[1];
        String topic = args[2];
        String instanceId = args[3];
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(new KafkaSettings(bootstrap)
                .groupMember("member-" + instanceId, group, instanceId))) {
            consumer.subscribe(List.of(topic));
            boolean announced = false;
            while (true) {
                consumer.poll(Duration.ofMillis(200));
                if (!announced && !consumer.assignment().isEmpty()) {
                    System.out.println("assigned " + consumer.assignment());
                    System.out.flush();
                    announced = true;
                }
            }
        }
    }
}
