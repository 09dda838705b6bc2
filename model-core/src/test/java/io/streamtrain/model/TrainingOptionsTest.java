package io.streamtrain.model;

import static io.streamtrain.model.TrainingAndCheckpointTest.flatten;
import static io.streamtrain.model.TrainingAndCheckpointTest.steps;
import static io.streamtrain.model.TrainingAndCheckpointTest.xorBatches;
import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.BatchCodec;
import io.streamtrain.pipeline.batch.DirectBatch;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every model and optimizer option of the spec trains for real, continues bit-identically from a saved state,
 * and keeps non-finite steps out of the parameters.
 */
class TrainingOptionsTest {

    private static final NormalizationStats XOR_STATS = new NormalizationStats(1, "xor", 1, 0,
            List.of(new NormalizationStats.NumericFeature("a", 1, 0, 1),
                    new NormalizationStats.NumericFeature("b", 1, 0, 1)),
            List.of(), new NormalizationStats.LabelInfo("classification", List.of("same", "different"), 0, 0,
                    List.of(300L, 100L)));
    private static final NormalizationStats LINE_STATS = new NormalizationStats(1, "line", 1, 0,
            List.of(new NormalizationStats.NumericFeature("x", 1, 0, 1)), List.of(),
            new NormalizationStats.LabelInfo("regression", List.of(), 0, 1));

    private static PipelineSpec xor(String model, String train) {
        return SpecLoader.parse("pipeline: xor\ndata: {label: y, task: classification}\nmodel: " + model
                + "\ntrain: " + train + "\n");
    }

    private static PipelineSpec line(String train) {
        return SpecLoader.parse("pipeline: line\ndata: {label: y, task: regression}\nmodel: {hidden: [16]}\n"
                + "train: " + train + "\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{hidden: [16, 16], activation: gelu, dropout: 0.2}|{optimizer: sgd, learningRate: 0.1, momentum: 0.9, seed: 5}",
        "{hidden: [16, 16], activation: tanh}|{optimizer: adamw, learningRate: 0.01, weightDecay: 0.05, seed: 5}",
        "{hidden: [16, 16], dropout: 0.1}|{learningRate: 0.02, clipGradNorm: 1.0, classWeights: balanced, seed: 5, "
                + "schedule: {type: cosine, warmupSteps: 20, decaySteps: 400}}",
        "{hidden: [16, 16]}|{learningRate: 0.02, classWeights: {different: 2.0}, seed: 5, "
                + "schedule: {type: step, decaySteps: 200, gamma: 0.5}}",
    })
    void eachClassificationSetupLearnsXorAndResumesBitIdentically(String setup) {
        String[] parts = setup.split("\\|");
        PipelineSpec spec = xor(parts[0], parts[1]);
        List<Batch> batches = xorBatches(40, 11);
        float firstLoss;
        float lastLoss = 0;
        try (TrainingSession session = new TrainingSession(spec, XOR_STATS, 1)) {
            firstLoss = session.step(batches.get(0), 1).loss();
            long step = 2;
            for (int epoch = 0; epoch < 12; epoch++) {
                for (Batch batch : batches) {
                    lastLoss = session.step(batch, step++).loss();
                }
            }
        }
        assertThat(lastLoss).as("final loss of " + setup).isLessThan(firstLoss / 2);

        List<Batch> short12 = batches.subList(0, 12);
        float[] through;
        try (TrainingSession session = new TrainingSession(spec, XOR_STATS, 1)) {
            steps(session, short12, 1);
            through = flatten(session.exportState());
        }
        TrainingState half;
        try (TrainingSession first = new TrainingSession(spec, XOR_STATS, 1)) {
            steps(first, short12.subList(0, 5), 1);
            half = first.exportState();
        }
        try (TrainingSession resumed = new TrainingSession(spec, XOR_STATS, 1)) {
            resumed.importState(half);
            steps(resumed, short12.subList(5, 12), 6);
            assertThat(flatten(resumed.exportState())).containsExactly(through);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{loss: mse}", "{loss: l1, learningRate: 0.01}", "{loss: huber, huberDelta: 0.5, learningRate: 0.01}"})
    void eachRegressionLossFitsALine(String train) {
        PipelineSpec spec = line(train);
        List<Batch> batches = lineBatches(30, 3, false);
        float first;
        float last = 0;
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            first = session.step(batches.get(0), 1).loss();
            long step = 2;
            for (int epoch = 0; epoch < 10; epoch++) {
                for (Batch batch : batches) {
                    last = session.step(batch, step++).loss();
                }
            }
        }
        assertThat(last).as(train).isLessThan(first / 4);
    }

    @Test
    void aNonFiniteLossLeavesTheParametersAsIfTheBatchNeverCame() {
        PipelineSpec spec = line("{seed: 2}");
        List<Batch> good = lineBatches(4, 8, false);
        Batch poisoned = lineBatches(1, 9, true).get(0);
        float[] withoutIt;
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            steps(session, good, 1);
            withoutIt = flatten(session.exportState());
        }
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            steps(session, good.subList(0, 2), 1);
            StepResult skipped = session.step(poisoned, 3);
            assertThat(skipped.applied()).isFalse();
            assertThat(skipped.skipReason()).contains("loss is NaN");
            assertThat(session.parametersFinite()).isTrue();
            steps(session, good.subList(2, 4), 3);
            assertThat(flatten(session.exportState())).containsExactly(withoutIt);
        }
    }

    @Test
    void aNonFiniteGradientIsCaughtByClippingAndNotApplied() {
        PipelineSpec spec = line("{seed: 2, clipGradNorm: 1.0}");
        List<Batch> good = lineBatches(4, 8, false);
        float[] withoutIt;
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            steps(session, good, 1);
            withoutIt = flatten(session.exportState());
        }
        Batch huge = good.get(0);
        float[] features = huge.features().clone();
        features[0] = 3e38f;
        Batch overflowing = new Batch("line", "huge", 1, huge.rows(), huge.cols(), features, null, huge.targets());
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            steps(session, good.subList(0, 2), 1);
            StepResult skipped = session.step(overflowing, 3);
            assertThat(skipped.applied()).isFalse();
            steps(session, good.subList(2, 4), 3);
            assertThat(flatten(session.exportState())).containsExactly(withoutIt);
        }
    }

    @Test
    void clippingBoundsTheUpdateButStillLearns() {
        PipelineSpec spec = line("{seed: 2, clipGradNorm: 0.01, optimizer: sgd, learningRate: 0.1}");
        try (TrainingSession session = new TrainingSession(spec, LINE_STATS, 1)) {
            StepResult result = session.step(lineBatches(1, 1, false).get(0), 1);
            assertThat(result.applied()).isTrue();
            assertThat(result.gradientNorm()).isGreaterThan(0.01);
        }
    }

    @Test
    void batchesInNativeMemoryTrainBitIdenticallyToArraysWhileTheirBufferIsReused() {
        ByteBuffer reused = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.nativeOrder());
        PipelineSpec classification = xor("{hidden: [16, 16], dropout: 0.2}", "{seed: 5}");
        PipelineSpec regression = line("{loss: huber, seed: 2}");
        for (var setup : List.of(java.util.Map.entry(classification, xorBatches(20, 11)),
                java.util.Map.entry(regression, lineBatches(20, 3, false)))) {
            NormalizationStats stats = setup.getKey() == classification ? XOR_STATS : LINE_STATS;
            float[] fromArrays;
            try (TrainingSession session = new TrainingSession(setup.getKey(), stats, 1)) {
                steps(session, setup.getValue(), 1);
                fromArrays = flatten(session.exportState());
            }
            try (TrainingSession session = new TrainingSession(setup.getKey(), stats, 1)) {
                long step = 1;
                for (Batch batch : setup.getValue()) {
                    DirectBatch direct = BatchCodec.decode(ByteBuffer.wrap(BatchCodec.encode(batch)), bytes -> reused);
                    assertThat(session.step(direct, step++).applied()).isTrue();
                }
                assertThat(flatten(session.exportState())).containsExactly(fromArrays);
            }
        }
    }

    @Test
    void anOptimizerStateVectorCarriesTheMomentsFromOneSessionToAnother() {
        PipelineSpec spec = xor("{hidden: [16]}", "{seed: 5}");
        List<Batch> batches = xorBatches(11, 3);
        try (TrainingSession a = new TrainingSession(spec, XOR_STATS, 1);
             TrainingSession b = new TrainingSession(spec, XOR_STATS, 1)) {
            assertThat(a.optimizerStateVector()).as("no state before the first step").isEmpty();
            steps(a, batches.subList(0, 5), 1);
            steps(b, batches.subList(5, 10), 1);
            float[] moments = a.optimizerStateVector();
            assertThat(moments).hasSize(2 * a.parameterVector().length);
            assertThat(b.optimizerStateVector()).isNotEqualTo(moments);

            b.setParameterVector(a.parameterVector());
            b.setOptimizerStateVector(moments);
            assertThat(b.optimizerStateVector()).containsExactly(moments);
            a.step(batches.get(10), 6);
            b.step(batches.get(10), 6);
            assertThat(flatten(b.exportState())).as("the same step from the same state").containsExactly(
                    flatten(a.exportState()));
        }
    }

    /** y = 2x + 1 plus a little noise; {@code poisoned} puts a NaN in the first row. */
    private static List<Batch> lineBatches(int count, long seed, boolean poisoned) {
        Random random = new Random(seed);
        List<Batch> batches = new java.util.ArrayList<>();
        for (int b = 0; b < count; b++) {
            float[] x = new float[32];
            float[] y = new float[32];
            for (int r = 0; r < 32; r++) {
                x[r] = random.nextFloat() * 2 - 1;
                y[r] = 2 * x[r] + 1 + (float) random.nextGaussian() * 0.01f;
            }
            if (poisoned) {
                x[0] = Float.NaN;
            }
            batches.add(new Batch("line", "l" + b, 1, 32, 1, x, null, y));
        }
        return batches;
    }
}
