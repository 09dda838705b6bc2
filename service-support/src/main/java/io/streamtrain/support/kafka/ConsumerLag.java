package io.streamtrain.support.kafka;

import io.streamtrain.contracts.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * How far a consumer group is behind on a topic, from the admin API alone. In: a group and its input topic. Out:
 * the group's members and its lag (the topic's end offsets less the group's committed offsets, summed over
 * partitions), the lag null for a group that never committed (a consumer that assigns its partitions itself and
 * commits nothing, or none yet).
 */
public final class ConsumerLag {

    private ConsumerLag() {
    }

    /** A group on a topic. */
    public record Stage(String service, String group, String topic, int members, Long lag) {
    }

    public static Stage of(Admin admin, String service, String group, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        int members = 0;
        Map<TopicPartition, OffsetAndMetadata> committed = Map.of();
        try {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            members = description == null ? 0 : description.members().size();
            committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
            // No such group yet: nothing consumed, no members.
        }
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(30, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            lag += Math.max(0, ends.get(partition).offset() - (offset == null ? 0 : offset.offset()));
        }
        return new Stage(service, group, topic, members, committed.isEmpty() ? null : lag);
    }

    /** The four stages of a pipeline: each service's group on its input topic. */
    public static List<Stage> ofPipeline(Admin admin, String pipeline)
            throws ExecutionException, InterruptedException, TimeoutException {
        return ofPipeline(admin, PipelineRun.none(pipeline));
    }

    /** The same for one run of it: ingest's and preprocess's groups belong to the run. */
    public static List<Stage> ofPipeline(Admin admin, PipelineRun run)
            throws ExecutionException, InterruptedException, TimeoutException {
        String pipeline = run.pipeline();
        return List.of(
                of(admin, "ingest-service", run.ingestGroup(), Topics.INGEST),
                of(admin, "preprocess-service", run.scoped("streamtrain-preprocess-" + pipeline), Topics.RECORDS),
                of(admin, "trainer-service", Topics.trainerGroup(pipeline), Topics.BATCHES_TRAIN),
                of(admin, "evaluator-service", "streamtrain-evaluator-service-" + pipeline, Topics.CHECKPOINTS));
    }
}
