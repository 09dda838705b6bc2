package io.streamtrain.model;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.features.InputLayout;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * How a network's parameters grow when its statistics grow after the warm-up: classes appended (the output layer
 * gains rows) or categorical values appended (the first layer gains input columns, placed as {@link InputLayout}
 * places the new slots). In: parameter values of the network of the older statistics (one network, or several laid
 * out one after another, as an optimizer's state fields are). Out: the same values in the newer network's layout,
 * the new rows and columns at zero, so the network computes the same logits for the existing classes on any row
 * of the older layout. The layout is the block's parameter order: per layer its weight (units x inputs, row by row),
 * then its bias.
 */
public final class NetworkGrowth {

    private NetworkGrowth() {
    }

    /** The shapes of the parameters of {@code spec}'s network for {@code stats}, in the block's order. */
    public static List<int[]> shapes(PipelineSpec spec, NormalizationStats stats) {
        List<int[]> shapes = new ArrayList<>();
        int inputs = stats.inputSize();
        for (int units : spec.model().hidden()) {
            shapes.add(new int[] {units, inputs});
            shapes.add(new int[] {units});
            inputs = units;
        }
        shapes.add(new int[] {stats.outputSize(), inputs});
        shapes.add(new int[] {stats.outputSize()});
        return shapes;
    }

    /** {@code vector} (whole networks of {@code from}, one after another) grown to {@code to}'s layout. */
    public static float[] grow(float[] vector, PipelineSpec spec, NormalizationStats from, NormalizationStats to) {
        List<int[]> before = shapes(spec, from);
        List<int[]> after = shapes(spec, to);
        int[] inputMap = from.inputSize() == to.inputSize() ? null : InputLayout.growthMap(from, to);
        int oldSize = before.stream().mapToInt(NetworkGrowth::size).sum();
        int newSize = after.stream().mapToInt(NetworkGrowth::size).sum();
        if (vector.length % oldSize != 0) {
            throw new IllegalArgumentException("a vector of " + vector.length + " values is not a whole number of"
                    + " networks of " + oldSize + " parameters");
        }
        float[] grown = new float[vector.length / oldSize * newSize];
        int at = 0;
        int out = 0;
        while (at < vector.length) {
            for (int i = 0; i < before.size(); i++) {
                float[] values = java.util.Arrays.copyOfRange(vector, at, at + size(before.get(i)));
                float[] parameter = grow(values, before.get(i), after.get(i), i == 0 ? inputMap : null);
                System.arraycopy(parameter, 0, grown, out, parameter.length);
                at += values.length;
                out += parameter.length;
            }
        }
        return grown;
    }

    /**
     * One parameter grown from {@code before} to {@code after} (same rank): a bias keeps its values first, a weight
     * its rows first and its columns where {@code columns} says (null: the same columns).
     */
    static float[] grow(float[] values, int[] before, int[] after, int[] columns) {
        float[] grown = new float[size(after)];
        if (before.length == 1) {
            System.arraycopy(values, 0, grown, 0, before[0]);
            return grown;
        }
        int oldCols = before[1];
        int newCols = after[1];
        for (int r = 0; r < before[0]; r++) {
            for (int c = 0; c < oldCols; c++) {
                grown[r * newCols + (columns == null ? c : columns[c])] = values[r * oldCols + c];
            }
        }
        return grown;
    }

    static int size(int[] shape) {
        int size = 1;
        for (int dimension : shape) {
            size *= dimension;
        }
        return size;
    }
}
