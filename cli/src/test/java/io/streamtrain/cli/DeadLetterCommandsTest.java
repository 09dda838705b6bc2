package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.EventCodec;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.contracts.RejectedRecord;
import io.streamtrain.contracts.SourceRef;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.Messages;
import io.streamtrain.support.kafka.TopicAdmin;
import io.streamtrain.support.kafka.TopicReader;
import io.streamtrain.testing.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/** {@code rejected} counts dead letters; {@code replay-rejected} publishes each one to the ingest topic once. */
class DeadLetterCommandsTest {

    @Test
    void deadLettersAreCountedAndReplayedOnce() throws Exception {
        String bootstrap = EmbeddedKafka.shared().bootstrapServers();
        TopicAdmin.ensureTopics(bootstrap, 1);
        KafkaSettings kafka = new KafkaSettings(bootstrap);
        String pipeline = "replay-" + System.nanoTime();
        PipelineSpec spec = SpecLoader.parse("pipeline: " + pipeline + "\ndata: {label: kind, task: classification}\n");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producer("t"))) {
            send(producer, dead(pipeline, "f.csv:2", "ingest", ReasonCode.WRONG_TYPE, "{\"x\": \"abc\", \"kind\": \"a\"}", false));
            send(producer, dead(pipeline, "f.csv:3", "ingest", ReasonCode.WRONG_TYPE, "{\"x\": \"def\", \"kind\": \"a\"}", false));
            send(producer, dead(pipeline, "f.csv:4", "ingest", ReasonCode.TOO_LARGE, "{\"x\": \"zz", true));
            send(producer, dead(pipeline, "f.csv:5", "preprocess", ReasonCode.UNKNOWN_CLASS, EventCodec.toJson(
                    new CanonicalRecord(1, pipeline, "f.csv:5", "c", Map.of("x", 1.5), null)), false));
            send(producer, dead(pipeline, "f.csv:6", "preprocess", ReasonCode.DUPLICATE_ID, "{}", false));
        }

        RejectedCommand.Summary summary = RejectedCommand.read(kafka, pipeline, 1).get(pipeline);
        assertThat(summary.total()).isEqualTo(5);
        assertThat(summary.byReason()).containsExactlyInAnyOrderEntriesOf(Map.of("WRONG_TYPE", 2L, "TOO_LARGE", 1L,
                "UNKNOWN_CLASS", 1L, "DUPLICATE_ID", 1L));
        assertThat(summary.examples()).hasSize(4);

        ReplayRejectedCommand.Outcome first = ReplayRejectedCommand.replay(kafka, spec,
                EnumSet.complementOf(EnumSet.of(ReasonCode.DUPLICATE_ID)), false);
        assertThat(first.replayed()).isEqualTo(3);
        assertThat(first.skipped()).containsValues(1L, 1L);
        List<String> replayed = new ArrayList<>();
        new TopicReader(kafka).readAll(Topics.INGEST, record -> {
            if (pipeline.equals(Messages.pipelineOf(record))) {
                replayed.add(record.key() + " " + new String(record.value(), StandardCharsets.UTF_8));
            }
        });
        assertThat(replayed).containsExactly("f.csv:2#replay {\"x\": \"abc\", \"kind\": \"a\"}",
                "f.csv:3#replay {\"x\": \"def\", \"kind\": \"a\"}", "f.csv:5#replay {\"x\":1.5,\"kind\":\"c\"}");

        ReplayRejectedCommand.Outcome second = ReplayRejectedCommand.replay(kafka, spec,
                EnumSet.allOf(ReasonCode.class), false);
        assertThat(second.replayed()).as("a dead letter is replayed once").isZero();
    }

    private static RejectedRecord dead(String pipeline, String id, String stage, ReasonCode reason, String original,
                                       boolean truncated) {
        return new RejectedRecord(1, pipeline, id, stage, reason, "x", "detail", SourceRef.file("f.csv", 2), original,
                truncated, 1L);
    }

    private static void send(KafkaProducer<String, byte[]> producer, RejectedRecord dead) throws Exception {
        producer.send(Messages.data(Topics.REJECTED, dead.pipeline(), dead.id(), EventCodec.toBytes(dead))).get();
    }
}
