package io.streamtrain.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.CanonicalRecord;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.ReasonCode;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.ingest.Rejection;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The preprocessing logic without Kafka: warm-up, split, shuffle, batching and end of data. */
class PreprocessorTest {

    private static final String SPEC_TEXT = """
            pipeline: p
            data: {label: y, task: classification}
            split: {validation: 0.25}
            batch: {size: 8, shuffleBuffer: 50}
            preprocess: {warmupRecords: 20}
            """;
    private static final PipelineSpec SPEC = SpecLoader.parse(SPEC_TEXT);

    private final Recorder out = new Recorder();

    @Test
    void classesFirstSeenAfterTheWarmUpAreLearnedAndEveryRecordEndsInExactlyOneBatch() {
        Preprocessor preprocessor = new Preprocessor(SPEC, null, out);
        for (int i = 0; i < 200; i++) {
            preprocessor.accept(record(i, i < 100 ? "a" : "b"));
        }
        preprocessor.accept(record(200, "c"));
        preprocessor.endOfData();

        // The warm-up (20 records) held only "a"; "b" and "c" were appended as they came, each a new version.
        assertThat(out.stats).extracting(NormalizationStats::version).containsExactly(1, 2, 3);
        assertThat(out.stats.get(2).label().classes()).containsExactly("a", "b", "c");
        assertThat(out.stats.get(2).asOf(2).label().classes()).containsExactly("a", "b");
        assertThat(out.stats.get(2).asOf(1).outputSize()).isEqualTo(1);
        assertThat(out.rejected).isEmpty();
        long rows = out.train.stream().mapToLong(Batch::rows).sum() + out.validation.stream().mapToLong(Batch::rows).sum();
        assertThat(rows).isEqualTo(201);
        assertThat(out.endOfData).containsExactly(out.train.size() + ":" + out.validation.size());
        assertThat(out.validation.stream().mapToLong(Batch::rows).sum()).isBetween(10L, 60L);
        // Every row's class exists in the statistics its batch is stamped with.
        List<Batch> all = new ArrayList<>(out.train);
        all.addAll(out.validation);
        for (Batch batch : all) {
            int classes = out.stats.get(batch.statsVersion() - 1).label().classes().size();
            for (int label : batch.classes()) {
                assertThat(label).as(batch.batchId()).isLessThan(classes);
            }
        }
        assertThat(out.train.get(out.train.size() - 1).statsVersion()).isEqualTo(3);
    }

    @Test
    void aCategoricalValueFirstSeenAfterTheWarmUpIsLearnedAndNoBatchMixesLayouts() {
        Preprocessor preprocessor = new Preprocessor(SPEC, null, out);
        for (int i = 0; i < 200; i++) {
            String colour = i < 100 ? (i % 2 == 0 ? "red" : "blue") : (i % 3 == 0 ? "green" : "red");
            preprocessor.accept(new CanonicalRecord(1, "p", "f:" + i, "a", Map.of("x", (double) i, "colour", colour),
                    null));
        }
        preprocessor.endOfData();

        assertThat(out.stats).extracting(NormalizationStats::version).containsExactly(1, 2);
        assertThat(out.stats.get(1).categorical().get(0).vocabulary()).containsExactly("blue", "red", "green");
        // The grown statistics rebuild the warm-up's layout, whatever the compacted topic still holds.
        assertThat(out.stats.get(1).asOf(1).categorical().get(0).vocabulary()).containsExactly("blue", "red");
        assertThat(out.stats.get(1).asOf(1).inputSize()).isEqualTo(out.stats.get(0).inputSize());
        assertThat(out.rejected).isEmpty();
        List<Batch> all = new ArrayList<>(out.train);
        all.addAll(out.validation);
        assertThat(all.stream().mapToLong(Batch::rows).sum()).isEqualTo(200);
        for (Batch batch : all) {
            assertThat(batch.cols()).as(batch.batchId()).isEqualTo(out.stats.get(batch.statsVersion() - 1).inputSize());
        }
        // Every green row sets the new slot (index 3 of x | blue red green <unknown>), and no row is unknown.
        long green = 0;
        for (Batch batch : all) {
            if (batch.statsVersion() == 2) {
                for (int r = 0; r < batch.rows(); r++) {
                    green += (long) batch.features()[r * 5 + 3];
                    assertThat(batch.features()[r * 5 + 4]).isZero();
                }
            }
        }
        assertThat(green).as("i in [100, 200) with i % 3 == 0").isEqualTo(33);
    }

    @Test
    void aFixedClassListStillRejectsWhatIsNotOnIt() {
        PipelineSpec fixed = SpecLoader.parse(SPEC_TEXT.replace("task: classification}",
                "task: classification, classes: [a, b]}"));
        Preprocessor preprocessor = new Preprocessor(fixed, null, out);
        for (int i = 0; i < 60; i++) {
            preprocessor.accept(record(i, i % 3 == 0 ? "c" : "a"));
        }
        preprocessor.endOfData();
        assertThat(out.stats).hasSize(1);
        assertThat(out.rejected).hasSize(20).allMatch(r -> r.reason() == ReasonCode.UNKNOWN_CLASS);
    }

    @Test
    void sortedInputLeavesTheShuffleBufferMixed() {
        Preprocessor preprocessor = new Preprocessor(SPEC, null, out);
        for (int i = 0; i < 400; i++) {
            preprocessor.accept(record(i, "a"));
        }
        preprocessor.endOfData();
        Batch first = out.train.get(0);
        float[] x = first.features();
        boolean sorted = true;
        for (int r = 1; r < first.rows(); r++) {
            sorted &= x[r] > x[r - 1];
        }
        assertThat(sorted).as("first train batch is in input order").isFalse();
    }

    @Test
    void restoredStatisticsAreKeptAndNotPublishedAgain() {
        NormalizationStats restored = new NormalizationStats(1, "p", 4, 20,
                List.of(new NormalizationStats.NumericFeature("x", 20, 100, 10)), List.of(),
                new NormalizationStats.LabelInfo("classification", List.of("a"), 0, 0));
        Preprocessor preprocessor = new Preprocessor(SPEC, restored, out);
        preprocessor.accept(record(110, "a"));
        preprocessor.endOfData();
        assertThat(out.stats).isEmpty();
        Batch only = out.train.isEmpty() ? out.validation.get(0) : out.train.get(0);
        assertThat(only.statsVersion()).isEqualTo(4);
        assertThat(only.features()).containsExactly(1f);
    }

    @Test
    void aPreprocessorRestartedFromGrownStatisticsPublishesOnlyTheVersionsAfterThem() {
        NormalizationStats restored = new NormalizationStats(1, "p", 4, 20,
                List.of(new NormalizationStats.NumericFeature("x", 20, 100, 10)), List.of(),
                new NormalizationStats.LabelInfo("classification", List.of("a", "b"), 0, 0));
        SequencedOutput sequenced = new SequencedOutput(out, new OutputProgress(0, 0, 0, 0, 4));
        Preprocessor preprocessor = new Preprocessor(SPEC, restored, sequenced);
        preprocessor.accept(record(1, "b"));
        preprocessor.accept(record(2, "c"));
        preprocessor.endOfData();
        assertThat(out.stats).extracting(NormalizationStats::version).containsExactly(5);
        assertThat(out.stats.get(0).label().classes()).containsExactly("a", "b", "c");
        assertThat(sequenced.progress().stats()).isEqualTo(5);
    }

    private static CanonicalRecord record(int i, String label) {
        return new CanonicalRecord(1, "p", "f:" + i, label, Map.of("x", (double) i), null);
    }

    private static final class Recorder implements PreprocessOutput {
        final List<NormalizationStats> stats = new ArrayList<>();
        final List<Batch> train = new ArrayList<>();
        final List<Batch> validation = new ArrayList<>();
        final List<Rejection> rejected = new ArrayList<>();
        final List<String> endOfData = new ArrayList<>();

        @Override
        public void stats(NormalizationStats s) {
            stats.add(s);
        }

        @Override
        public void trainBatch(Batch batch) {
            train.add(batch);
        }

        @Override
        public void validationBatch(Batch batch) {
            validation.add(batch);
        }

        @Override
        public void rejected(CanonicalRecord record, Rejection rejection) {
            rejected.add(rejection);
        }

        @Override
        public void endOfData(long trainBatches, long trainRows, long validationBatches, long validationRows) {
            endOfData.add(trainBatches + ":" + validationBatches);
        }
    }
}
