package io.streamtrain.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    @Test
    void everyEventRoundTripsThroughJson() {
        NormalizationStats stats = new NormalizationStats(1, "p", 2, 100,
                List.of(new NormalizationStats.NumericFeature("x", 100, 1.5, 0.5)),
                List.of(new NormalizationStats.CategoricalFeature("c", List.of("a", "b"))),
                new NormalizationStats.LabelInfo("classification", List.of("0", "1"), 0, 0));
        List<Object> events = List.of(
                new CanonicalRecord(1, "p", "f.csv:2", "1", Map.of("x", 1.0, "c", "a"), SourceRef.file("f.csv", 2)),
                new RejectedRecord(1, "p", "id", "ingest", ReasonCode.NON_FINITE, "x", "must be finite",
                        SourceRef.kafka("t", 0, 5), "{\"x\": NaN}", false, 1L),
                new EndOfData(1, "p", "ingest", 10, 10),
                stats,
                new CheckpointEvent(1, "p", "e001", 1, 10, 1280, 2, "hash", "/tmp/c", "sha", 0.5, 1000, true, 1L),
                new ModelEvent(1, "p", "e001", "/tmp/c", "sha", 1, 10, "hash", Map.of("accuracy", 0.9), stats, 1L,
                        ModelEvent.BY_OVERRIDE, "rollback"));
        for (Object event : events) {
            assertThat(EventCodec.fromBytes(EventCodec.toBytes(event), event.getClass())).isEqualTo(event);
        }
        assertThat(stats.inputSize()).isEqualTo(4);
        assertThat(stats.outputSize()).isEqualTo(2);
    }

    @Test
    void evaluationRoundTripsWithItsConfusionMatrix() {
        EvaluationEvent event = new EvaluationEvent(1, "p", "e001", 1, 10, true, 30, Map.of("accuracy", 0.9),
                List.of("a", "b"), new long[][] {{10, 1}, {2, 17}}, Verdict.PROMOTED, "accuracy", 0.9, null,
                "first model", 1L);
        EvaluationEvent decoded = EventCodec.fromJson(EventCodec.toJson(event), EvaluationEvent.class);
        assertThat(decoded.confusionMatrix()).isDeepEqualTo(event.confusionMatrix());
        assertThat(decoded.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(decoded.reason()).isEqualTo("first model");
    }

    @Test
    void unknownFieldsAreIgnoredAndGarbageIsAClearError() {
        EndOfData marker = EventCodec.fromJson("{\"schemaVersion\":2,\"pipeline\":\"p\",\"stage\":\"s\",\"count\":1,"
                + "\"rows\":1,\"later\":true}", EndOfData.class);
        assertThat(marker.pipeline()).isEqualTo("p");
        assertThatThrownBy(() -> EventCodec.fromJson("{", EndOfData.class))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("EndOfData");
    }
}
