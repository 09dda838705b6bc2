package io.streamtrain.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain replay-rejected}: after the spec was fixed, publishes a pipeline's dead letters to the
 * ingest topic again, so nothing has to be lost for good. In: the dead-letter topic, read in the consumer group
 * {@code streamtrain-replay-<pipeline>} (each dead letter is replayed once, however often the command runs).
 * Out: the original record on {@code streamtrain.ingest.v1}, keyed {@code <id>#replay}; dead letters of the
 * preprocessor are turned back into a raw object (features and label). Truncated originals cannot be replayed.
 */
@Command(name = "replay-rejected", mixinStandardHelpOptions = true,
        description = "Publish a pipeline's dead letters to the ingest topic again (after fixing the spec).",
        footer = {"", "Examples:",
                "  ./streamtrain replay-rejected --kafka localhost:9092 --spec fixed.yaml",
                "  ./streamtrain replay-rejected --kafka localhost:9092 --spec fixed.yaml --reason UNKNOWN_CLASS"})
public final class ReplayRejectedCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(names = "--spec", required = true, description = "The pipeline spec (fixed): names the pipeline and its label.")
    Path spec;

    @Option(names = "--reason", description = "Only dead letters with these reason codes (repeatable). Default: "
            + "all but DUPLICATE_ID.")
    List<ReasonCode> reasons;

    @Option(names = "--end-of-data", description = "Close the replayed records with an end-of-data marker.")
    boolean endOfData;

    /** What a replay did: records published again, and records skipped by reason. */
    public record Outcome(long replayed, Map<String, Long> skipped) {
    }

    @Override
    public Integer call() {
        try {
            PipelineSpec pipeline = SpecLoader.load(spec);
            Set<ReasonCode> selected = reasons == null || reasons.isEmpty()
                    ? EnumSet.complementOf(EnumSet.of(ReasonCode.DUPLICATE_ID)) : EnumSet.copyOf(reasons);
            Outcome outcome = replay(kafka.settings(), pipeline, selected, endOfData);
            System.out.printf("replayed %d dead letters of '%s' to %s%n", outcome.replayed(), pipeline.pipeline(),
                    Topics.INGEST);
            outcome.skipped().forEach((why, count) -> System.out.printf("  skipped %d: %s%n", count, why));
            return ExitCodes.OK;
        } catch (SpecException e) {
            System.err.println("streamtrain replay-rejected: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (CliException e) {
            System.err.println("streamtrain replay-rejected: " + e.getMessage());
            return e.exitCode();
        }
    }

    static Outcome replay(KafkaSettings settings, PipelineSpec spec, Set<ReasonCode> reasons, boolean endOfData) {
        Map<String, Long> skipped = new TreeMap<>();
        long replayed = 0;
        String group = "streamtrain-replay-" + spec.pipeline();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.consumer(group, group));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings.producer(group))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.REJECTED, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(Topics.REJECTED, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))
                            || !spec.pipeline().equals(Messages.pipelineOf(record)) || record.value() == null) {
                        continue;
                    }
                    RejectedRecord dead = EventCodec.fromBytes(record.value(), RejectedRecord.class);
                    byte[] raw = reasons.contains(dead.reason()) ? rawRecord(dead, spec) : null;
                    if (!reasons.contains(dead.reason())) {
                        skipped.merge("reason " + dead.reason() + " not selected", 1L, Long::sum);
                    } else if (raw == null) {
                        skipped.merge("original text truncated or unreadable", 1L, Long::sum);
                    } else {
                        producer.send(Messages.data(Topics.INGEST, spec.pipeline(), dead.id() + "#replay", raw));
                        replayed++;
                    }
                }
                producer.flush();
                // Never past the end seen at the start: later dead letters are left for the next replay.
                Map<TopicPartition, OffsetAndMetadata> done = new java.util.HashMap<>();
                partitions.forEach(tp -> done.put(tp, new OffsetAndMetadata(Math.min(consumer.position(tp), end.get(tp)))));
                consumer.commitSync(done);
            }
            if (endOfData) {
                EndOfData marker = new EndOfData(SchemaVersion.CURRENT, spec.pipeline(), "replay", replayed, replayed);
                producer.partitionsFor(Topics.INGEST).forEach(p ->
                        producer.send(Messages.endOfData(Topics.INGEST, p.partition(), marker)));
                producer.flush();
            }
        }
        return new Outcome(replayed, skipped);
    }

    /** The record as a user published it: ingest keeps the original text; the preprocessor a canonical record. */
    private static byte[] rawRecord(RejectedRecord dead, PipelineSpec spec) {
        if (dead.original() == null || dead.originalTruncated()) {
            return null;
        }
        if (dead.originalBase64() != null) {
            return java.util.Base64.getDecoder().decode(dead.originalBase64());
        }
        if (!"preprocess".equals(dead.stage())) {
            return dead.original().getBytes(StandardCharsets.UTF_8);
        }
        try {
            CanonicalRecord canonical = EventCodec.fromJson(dead.original(), CanonicalRecord.class);
            if (canonical.features() == null || canonical.label() == null) {
                return null;
            }
            ObjectNode raw = EventCodec.mapper().valueToTree(canonical.features());
            raw.set(spec.data().label(), EventCodec.mapper().valueToTree(canonical.label()));
            return EventCodec.toBytes(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
