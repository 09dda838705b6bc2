package io.streamtrain.trainer;

import io.streamtrain.contracts.Topics;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.PollingThread;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Keeps a pipeline to one trainer unless its trainers average their parameters ({@code train.sync}): two trainers
 * alone would train the same batches and write the same checkpoint ids. In: the broker's view of the pipeline's two
 * trainer groups (the synced group's and {@link Topics#soleTrainerGroup}). Out: a refusal that names
 * {@code train.sync} when another trainer of the pipeline is alive; else, for a trainer alone, a membership in the
 * sole-trainer group that later trainers see while this one lives.
 *
 * <p>The membership is static ({@code group.instance.id} from {@code streamtrain.instance-id}), so a trainer
 * restarted under the same instance id (after a crash, by a supervisor) is recognised as itself and not refused,
 * while a trainer that died for good stops counting after the 10 s session timeout.
 */
final class SoleTrainerClaim implements AutoCloseable {

    /** Thrown when another trainer of the pipeline is alive. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message);
        }
    }

    private final PollingThread presence;

    private SoleTrainerClaim(PollingThread presence) {
        this.presence = presence;
    }

    /**
     * Checks that no other trainer of {@code pipeline} is alive; a trainer alone ({@code synced} false) then
     * claims the pipeline until {@link #close}. Fails with {@link Refused} naming {@code train.sync}.
     */
    static SoleTrainerClaim claim(KafkaSettings kafka, String pipeline, String instanceId, boolean synced) {
        String others = othersAlive(kafka, pipeline, memberId(instanceId), synced);
        if (!others.isEmpty()) {
            throw new Refused("another trainer of pipeline '" + pipeline + "' is running (" + others + "); "
                    + (synced ? "it trains alone, without train.sync: stop it before starting a group of trainers"
                    : "several trainers of one pipeline need train.sync in the spec (e.g. 'sync: {everySteps: 20}'"
                    + " under train:), so that they average their parameters into one model"));
        }
        if (synced) {
            return new SoleTrainerClaim(null);
        }
        Properties properties = kafka.consumer("trainer-claim-" + pipeline, Topics.soleTrainerGroup(pipeline));
        properties.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, memberId(instanceId));
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties);
        consumer.subscribe(List.of(Topics.CHECKPOINTS), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                // Membership is all this consumer is for: it never reads a message.
                consumer.pause(partitions);
            }
        });
        return new SoleTrainerClaim(PollingThread.start("sole-trainer-claim", polling -> {
            try (consumer) {
                while (polling.running()) {
                    consumer.poll(Duration.ofSeconds(1));
                }
            } catch (WakeupException e) {
                // Closing.
            }
        }, consumer));
    }

    private static String memberId(String instanceId) {
        return "trainer-" + instanceId;
    }

    /** The other live members of the pipeline's trainer groups, in words; empty when there are none. */
    private static String othersAlive(KafkaSettings kafka, String pipeline, String self, boolean synced) {
        try (Admin admin = Admin.create(kafka.admin("trainer-claim-" + pipeline))) {
            List<String> others = new ArrayList<>();
            for (MemberDescription member : members(admin, Topics.soleTrainerGroup(pipeline))) {
                if (!member.groupInstanceId().orElse("").equals(self)) {
                    others.add(describe(member, "alone"));
                }
            }
            if (!synced) {
                members(admin, Topics.trainerGroup(pipeline)).forEach(m -> others.add(describe(m, "synced")));
            }
            return String.join(", ", others);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while looking for other trainers", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot look for other trainers of '" + pipeline + "': " + e, e);
        }
    }

    /** The live members of a consumer group; none when the group does not exist. */
    private static Collection<MemberDescription> members(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                    .get(30, TimeUnit.SECONDS).members();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return List.of();
            }
            throw e;
        }
    }

    private static String describe(MemberDescription member, String how) {
        return member.groupInstanceId().orElse(member.clientId()) + " at " + member.host() + ", " + how;
    }

    @Override
    public void close() {
        if (presence != null) {
            try {
                presence.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
