package io.streamtrain.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.contracts.EndOfData;
import io.streamtrain.contracts.Headers;
import io.streamtrain.contracts.SchemaVersion;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The run header and the rules for which messages belong to a run; the names that differ from run to run. */
class PipelineRunTest {

    private static final PipelineRun RUN_A = new PipelineRun("p", "a");

    @Test
    void messagesOfARunCarryItsHeaderAndBelongOnlyToIt() {
        ConsumerRecord<String, byte[]> data = read(RUN_A.data("t", "k", new byte[] {1}));
        ConsumerRecord<String, byte[]> marker = read(RUN_A.endOfData("t", 0,
                new EndOfData(SchemaVersion.CURRENT, "p", "test", 1, 1)));
        assertThat(Messages.runOf(data)).isEqualTo("a");
        assertThat(Messages.runOf(marker)).isEqualTo("a");
        assertThat(Messages.isEndOfData(marker)).isTrue();
        assertThat(RUN_A.owns(data)).isTrue();
        assertThat(new PipelineRun("p", "b").owns(data)).as("another run").isFalse();
        assertThat(new PipelineRun("q", "a").owns(data)).as("another pipeline").isFalse();
        assertThat(PipelineRun.none("p").owns(data)).as("a service without a run id takes every run's").isTrue();
    }

    @Test
    void messagesWithoutTheRunOrPipelineHeaderBelongToEveryRun() {
        ConsumerRecord<String, byte[]> plain = read(new ProducerRecord<>("t", "k", new byte[] {1}));
        ConsumerRecord<String, byte[]> pipelineOnly = read(Messages.data("t", "p", "k", new byte[] {1}));
        assertThat(RUN_A.owns(plain)).isTrue();
        assertThat(RUN_A.owns(pipelineOnly)).isTrue();
        assertThat(pipelineOnly.headers().lastHeader(Headers.RUN)).isNull();
        assertThat(PipelineRun.none("p").data("t", "k", null).headers().lastHeader(Headers.RUN))
                .as("no run id, no run header").isNull();
    }

    @Test
    void namesThatHoldARunsPositionEndInItsId() {
        assertThat(RUN_A.ingestGroup()).isEqualTo("streamtrain-ingest-service-p-a");
        assertThat(PipelineRun.none("p").ingestGroup()).isEqualTo("streamtrain-ingest-service-p");
        assertThat(RUN_A.scoped("streamtrain-preprocess-p")).isEqualTo("streamtrain-preprocess-p-a");
    }

    @Test
    void runIdsAreCheckedAndFreshOnesAreValid() {
        assertThat(new PipelineRun("p", " ").runId()).as("empty: no run id").isNull();
        assertThatThrownBy(() -> new PipelineRun("p", "a/b")).hasMessageContaining("streamtrain.run-id");
        String fresh = PipelineRun.newRunId();
        assertThat(fresh).matches("\\d{8}-\\d{6}-[0-9a-f]{4}");
        assertThat(new PipelineRun("p", fresh).runId()).isEqualTo(fresh);
    }

    private static ConsumerRecord<String, byte[]> read(ProducerRecord<String, byte[]> sent) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>(sent.topic(), 0, 0L, sent.key(), sent.value());
        sent.headers().forEach(h -> record.headers().add(h));
        return record;
    }
}
