package io.streamtrain.bench;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.contracts.SchemaVersion;
import io.streamtrain.pipeline.batch.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A learnable classification problem of any width: {@code classes} Gaussian clusters in {@code features}
 * dimensions, already standardized, as the mini-batches preprocess-service would publish and the statistics
 * that go with them. Deterministic for a seed.
 */
final class SyntheticClusters {

    final int features;
    final int classes;
    private final float[][] centres;

    SyntheticClusters(int features, int classes, long seed) {
        this(features, classes, seed, 0.6f);
    }

    /** Centres drawn with standard deviation {@code spread} around the origin; each row adds unit noise. */
    SyntheticClusters(int features, int classes, long seed, float spread) {
        this.features = features;
        this.classes = classes;
        Random random = new Random(seed);
        centres = new float[classes][features];
        for (float[] centre : centres) {
            for (int f = 0; f < features; f++) {
                centre[f] = (float) random.nextGaussian() * spread;
            }
        }
    }

    NormalizationStats stats(String pipeline) {
        List<NormalizationStats.NumericFeature> numeric = new ArrayList<>();
        for (int f = 0; f < features; f++) {
            numeric.add(new NormalizationStats.NumericFeature("f" + f, 1000, 0, 1));
        }
        List<String> names = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add("c" + c);
            counts.add(1000L);
        }
        return new NormalizationStats(SchemaVersion.CURRENT, pipeline, 1, 1000L * classes, numeric, List.of(),
                new NormalizationStats.LabelInfo("classification", names, 0, 0, counts));
    }

    /** {@code count} batches of {@code rows} rows, ids {@code train-000001} on. */
    List<Batch> batches(String pipeline, int count, int rows, long seed) {
        Random random = new Random(seed);
        List<Batch> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            float[] x = new float[rows * features];
            int[] y = new int[rows];
            for (int r = 0; r < rows; r++) {
                int c = random.nextInt(classes);
                y[r] = c;
                for (int f = 0; f < features; f++) {
                    x[r * features + f] = centres[c][f] + (float) random.nextGaussian();
                }
            }
            batches.add(new Batch(pipeline, String.format("train-%06d", b + 1), 1, rows, features, x, y, null));
        }
        return batches;
    }

    /** The spec of a trainer for this problem. */
    String spec(String pipeline, int batchSize, int epochs, String extraTrainKeys) {
        StringBuilder classList = new StringBuilder();
        for (int c = 0; c < classes; c++) {
            classList.append(c == 0 ? "" : ", ").append('c').append(c);
        }
        return "pipeline: " + pipeline + "\n"
                + "data: {label: y, task: classification, classes: [" + classList + "]}\n"
                + "batch: {size: " + batchSize + "}\n"
                + "model: {hidden: [64, 32]}\n"
                + "train: {epochs: " + epochs + ", checkpointEvery: 1000000000" + extraTrainKeys + "}\n";
    }
}
