package io.streamtrain.support.kafka;

import io.streamtrain.contracts.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a run's ingest starts reading {@code streamtrain.ingest.v1}. In: the pipeline, its run id and whether the
 * run reads the topic from the beginning. Out: the offsets committed for the run's ingest consumer group
 * ({@link PipelineRun#ingestGroup()}), per partition: the topic's end offsets as of the call (so a new run does not
 * re-read what earlier runs ingested), or its beginning. A group that already has committed offsets (the run was
 * started before) keeps them: the run continues where it stands. Call it before the run's ingest starts.
 */
public final class RunStart {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private RunStart() {
    }

    /** Commits the start offsets of a run's ingest group unless it has some; returns the group's offsets. */
    public static Map<TopicPartition, Long> commitIngestStart(KafkaSettings kafka, String pipeline, String runId,
                                                              boolean fromBeginning) {
        String group = new PipelineRun(pipeline, runId).ingestGroup();
        try (Admin admin = Admin.create(kafka.admin("streamtrain-run-start"))) {
            Map<TopicPartition, Long> committed = committed(admin, group);
            if (!committed.isEmpty()) {
                return committed;
            }
            List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.INGEST)).allTopicNames()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(Topics.INGEST).partitions().stream()
                    .map(p -> new TopicPartition(Topics.INGEST, p.partition())).toList();
            Map<TopicPartition, OffsetSpec> spec = new HashMap<>();
            partitions.forEach(p -> spec.put(p, fromBeginning ? OffsetSpec.earliest() : OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> listed = admin.listOffsets(spec).all()
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            listed.forEach((partition, info) -> start.put(partition, new OffsetAndMetadata(info.offset())));
            admin.alterConsumerGroupOffsets(group, start).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return committed(admin, group);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting where run " + runId + " starts", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set where run " + runId + " of '" + pipeline + "' starts on "
                    + kafka.bootstrapServers() + ": " + (e.getCause() == null ? e : e.getCause()), e);
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Map<TopicPartition, Long> positions = new HashMap<>();
        offsets.forEach((partition, offset) -> {
            if (offset != null && Topics.INGEST.equals(partition.topic())) {
                positions.put(partition, offset.offset());
            }
        });
        return positions;
    }
}
