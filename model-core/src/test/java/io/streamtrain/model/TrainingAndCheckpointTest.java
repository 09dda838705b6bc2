package io.streamtrain.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.features.FeatureEncoder;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real backprop with DJL's PyTorch engine on a small problem whose answer is known. */
class TrainingAndCheckpointTest {

    private static final PipelineSpec SPEC = SpecLoader.parse("""
            pipeline: xor
            data: {label: y, task: classification}
            model: {hidden: [16, 16]}
            train: {optimizer: adam, learningRate: 0.01, seed: 3}
            """);
    static final NormalizationStats STATS = new NormalizationStats(1, "xor", 1, 0,
            List.of(new NormalizationStats.NumericFeature("a", 1, 0, 1),
                    new NormalizationStats.NumericFeature("b", 1, 0, 1)),
            List.of(), new NormalizationStats.LabelInfo("classification", List.of("same", "different"), 0, 0));

    @TempDir
    Path dir;

    @Test
    void learnsXorAndTheCheckpointScoresTheSameAfterLoading() throws IOException {
        List<Batch> train = xorBatches(60, 1);
        List<Batch> validation = xorBatches(10, 2);
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            float firstLoss = session.step(train.get(0), 1).loss();
            float lastLoss = firstLoss;
            long step = 1;
            for (int epoch = 0; epoch < 15; epoch++) {
                for (Batch batch : train) {
                    lastLoss = session.step(batch, ++step).loss();
                }
            }
            assertThat(lastLoss).isLessThan(firstLoss / 4);

            CheckpointWriter.Written written = new CheckpointWriter(dir).write(session,
                    new CheckpointManifest(1, "xor", "e001", 1, 900, 57600, "hash", null, STATS, 1L));
            assertThat(written.dir()).isEqualTo(dir.resolve("xor/e001"));
            assertThat(Files.list(dir.resolve("xor")).map(p -> p.getFileName().toString())).containsExactly("e001");

            try (InferenceModel model = InferenceModel.load(SPEC, written.dir(), written.sha256(), 1)) {
                EvaluationResult result = ModelScorer.score(model, validation, new FeatureEncoder(STATS));
                assertThat(result.rows()).isEqualTo(640);
                assertThat(result.metrics().get("accuracy")).isGreaterThan(0.95);
                assertThat(model.manifest().parametersSha256()).isEqualTo(written.sha256());
            }
        }
    }

    /**
     * A class appended to the statistics grows the output layer: the grown network gives the existing classes the
     * same logits on the same inputs, the new class starts at zero, and training goes on with the new class.
     */
    @Test
    void aGrowthByOneClassKeepsTheLogitsOfTheExistingClassesAndLearnsTheNewOne() throws IOException {
        List<Batch> train = xorBatches(20, 1);
        NormalizationStats grownStats = new NormalizationStats(1, "xor", 2, 0, STATS.numeric(), List.of(),
                new NormalizationStats.LabelInfo("classification", List.of("same", "different", "new"), 0, 0));
        float[] features = train.get(0).features();
        int rows = train.get(0).rows();
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1);
             TrainingSession grown = new TrainingSession(SPEC, grownStats, 1)) {
            long step = 0;
            for (Batch batch : train) {
                session.step(batch, ++step);
            }
            grown.importGrown(session.exportState(), STATS);
            float[] before = logits(session, STATS, features, rows, "before");
            float[] after = logits(grown, grownStats, features, rows, "after");
            for (int r = 0; r < rows; r++) {
                assertThat(after[3 * r]).isEqualTo(before[2 * r]);
                assertThat(after[3 * r + 1]).isEqualTo(before[2 * r + 1]);
            }
            // Rows of the new class: the grown network learns to predict it.
            Random random = new Random(5);
            List<Batch> withNew = new ArrayList<>();
            for (int b = 0; b < 30; b++) {
                float[] x = new float[128];
                int[] y = new int[64];
                for (int r = 0; r < 64; r++) {
                    boolean fresh = r % 3 == 0;
                    x[2 * r] = fresh ? 3 + random.nextFloat() : random.nextFloat();
                    x[2 * r + 1] = fresh ? 3 + random.nextFloat() : random.nextFloat();
                    y[r] = fresh ? 2 : (x[2 * r] > 0.5) == (x[2 * r + 1] > 0.5) ? 0 : 1;
                }
                withNew.add(new Batch("xor", "g" + b, 2, 64, 2, x, y, null));
            }
            for (int epoch = 0; epoch < 10; epoch++) {
                for (Batch batch : withNew) {
                    grown.step(batch, ++step);
                }
            }
            float[] trained = logits(grown, grownStats, new float[] {3.5f, 3.5f}, 1, "trained");
            assertThat(ModelScorer.argMax(trained, 0, 3)).as("the new class is predicted").isEqualTo(2);
        }
        TrainingSession wider = new TrainingSession(SPEC, new NormalizationStats(1, "xor", 3, 0,
                List.of(STATS.numeric().get(0), STATS.numeric().get(1), new NormalizationStats.NumericFeature("c", 1,
                        0, 1)), List.of(), STATS.label()), 1);
        try (wider; TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            assertThatThrownBy(() -> wider.importGrown(session.exportState(), STATS))
                    .hasMessageContaining("only vocabularies grow");
        }
    }

    /**
     * A categorical value appended to a vocabulary grows the first layer by a zero column: rows of the older layout,
     * zero-extended, get the same logits, and training goes on.
     */
    @Test
    void aGrowthByOneCategoricalValueKeepsTheLogitsOfRowsOfTheOlderLayout() throws IOException {
        NormalizationStats before = new NormalizationStats(2, "xor", 1, 0, STATS.numeric(),
                List.of(new NormalizationStats.CategoricalFeature("colour", List.of("red", "blue"))), STATS.label());
        NormalizationStats after = new NormalizationStats(2, "xor", 2, 0, STATS.numeric(),
                List.of(new NormalizationStats.CategoricalFeature("colour", List.of("red", "blue", "green"))),
                STATS.label());
        Random random = new Random(3);
        float[] features = new float[16 * 5];
        int[] labels = new int[16];
        for (int r = 0; r < 16; r++) {
            features[r * 5] = (float) random.nextGaussian();
            features[r * 5 + 1] = (float) random.nextGaussian();
            features[r * 5 + 2 + random.nextInt(3)] = 1f;
            labels[r] = r % 2;
        }
        Batch batch = new Batch("xor", "c1", 1, 16, 5, features, labels, null);
        try (TrainingSession session = new TrainingSession(SPEC, before, 1);
             TrainingSession grown = new TrainingSession(SPEC, after, 1)) {
            for (long step = 1; step <= 20; step++) {
                session.step(batch, step);
            }
            grown.importGrown(session.exportState(), before);
            float[] widened = io.streamtrain.pipeline.features.InputLayout.convert(features, 16, before, after);
            assertThat(logits(grown, after, widened, 16, 6, "wide")).containsExactly(
                    logits(session, before, features, 16, 5, "narrow"));
            assertThat(grown.step(new Batch("xor", "c2", 2, 16, 6, widened, labels, null), 21).applied()).isTrue();
        }
    }

    /** The network's logits on some rows, through a checkpoint and the inference model as the evaluator loads it. */
    private float[] logits(TrainingSession session, NormalizationStats stats, float[] features, int rows, String id)
            throws IOException {
        return logits(session, stats, features, rows, 2, id);
    }

    private float[] logits(TrainingSession session, NormalizationStats stats, float[] features, int rows, int cols,
                           String id) throws IOException {
        CheckpointWriter.Written written = new CheckpointWriter(dir).write(session,
                new CheckpointManifest(1, "xor", id, 1, 1, 1, "hash", null, stats, 1L));
        try (InferenceModel model = InferenceModel.load(SPEC, written.dir(), written.sha256(), 1)) {
            return model.outputs(features, rows, cols);
        }
    }

    @Test
    void aCheckpointWhoseDigestDoesNotMatchIsRefused() throws IOException {
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            CheckpointWriter.Written written = new CheckpointWriter(dir).write(session,
                    new CheckpointManifest(1, "xor", "e000", 0, 0, 0, "hash", null, STATS, 1L));
            assertThatThrownBy(() -> InferenceModel.load(SPEC, written.dir(), "0".repeat(64), 1))
                    .isInstanceOf(IOException.class).hasMessageContaining("SHA-256");
        }
    }

    @Test
    void aFixedSeedGivesTheSameParameters() throws IOException {
        String first = trainAndDigest("a");
        String second = trainAndDigest("b");
        assertThat(second).isEqualTo(first);
    }

    @Test
    void trainingContinuedFromASavedStateIsBitIdenticalToTrainingStraightThrough() throws IOException {
        List<Batch> batches = xorBatches(12, 4);
        float[] straight;
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            steps(session, batches, 1);
            straight = flatten(session.exportState());
        }
        CheckpointWriter writer = new CheckpointWriter(dir);
        try (TrainingSession first = new TrainingSession(SPEC, STATS, 1)) {
            steps(first, batches.subList(0, 5), 1);
            writer.write(first, new CheckpointManifest(1, "xor", "half", 1, 5, 320, "hash", null, STATS, 1L,
                    new ResumePoint(1, 5, 320, java.util.Map.of(0, 5L), List.of(), false, 5, "lineage")));
        }
        CheckpointWriter.Restorable saved = writer.newest("xor").orElseThrow();
        assertThat(saved.manifest().resume().offsets()).containsEntry(0, 5L);
        assertThat(saved.state().optimizerArrays()).isNotEmpty();
        try (TrainingSession resumed = new TrainingSession(SPEC, STATS, 1)) {
            resumed.importState(saved.state());
            steps(resumed, batches.subList(5, 12), 6);
            assertThat(flatten(resumed.exportState())).containsExactly(straight);
        }
    }

    /** Trains on the batches in order, numbering the steps from {@code first}. */
    static void steps(TrainingSession session, List<Batch> batches, long first) {
        long step = first;
        for (Batch batch : batches) {
            assertThat(session.step(batch, step++).applied()).isTrue();
        }
    }

    static float[] flatten(TrainingState state) {
        int size = state.parameters().values().stream().mapToInt(a -> a.length).sum();
        float[] all = new float[size];
        int at = 0;
        for (float[] values : state.parameters().values()) {
            System.arraycopy(values, 0, all, at, values.length);
            at += values.length;
        }
        return all;
    }

    private String trainAndDigest(String name) throws IOException {
        try (TrainingSession session = new TrainingSession(SPEC, STATS, 1)) {
            steps(session, xorBatches(5, 9), 1);
            return new CheckpointWriter(dir).write(session,
                    new CheckpointManifest(1, "xor", name, 1, 5, 320, "hash", null, STATS, 1L)).sha256();
        }
    }

    /** Points in [-1, 1]^2; the class says whether both coordinates have the same sign. */
    static List<Batch> xorBatches(int count, long seed) {
        Random random = new Random(seed);
        List<Batch> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] features = new float[64 * 2];
            int[] classes = new int[64];
            for (int r = 0; r < 64; r++) {
                float x = random.nextFloat() * 2 - 1;
                float y = random.nextFloat() * 2 - 1;
                features[2 * r] = x;
                features[2 * r + 1] = y;
                classes[r] = (x > 0) == (y > 0) ? 0 : 1;
            }
            batches.add(new Batch("xor", "b" + b, 1, 64, 2, features, classes, null));
        }
        return batches;
    }
}
