package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Grows the vectors a group of trainers exchanges when classes were learned after the warm-up. In: a parameter (or
 * optimizer state) vector of the network of one statistics version, and the statistics of both versions. Out: the
 * vector of the network of the newer version: every value kept, the output rows (weights and bias) of the added
 * classes at zero, as {@link io.streamtrain.model.TrainingSession#importGrown} grows a session. The layout is the
 * block's parameter order, each layer's weight (units x inputs, row by row) then its bias; an optimizer state is
 * that layout once per state field.
 */
final class ParameterGrowth implements SyncRounds.Growth {

    private final PipelineSpec spec;
    private final IntFunction<NormalizationStats> statsOfVersion;
    private final Map<Integer, NormalizationStats> known = new HashMap<>();

    ParameterGrowth(PipelineSpec spec, IntFunction<NormalizationStats> statsOfVersion) {
        this.spec = spec;
        this.statsOfVersion = statsOfVersion;
    }

    /** The statistics of a version (looked up once). */
    NormalizationStats stats(int version) {
        return known.computeIfAbsent(version, statsOfVersion::apply);
    }

    @Override
    public float[] grow(float[] vector, int from, int to, boolean optimizerState) {
        NormalizationStats before = stats(from);
        NormalizationStats after = stats(to);
        if (before.inputSize() != after.inputSize()) {
            throw new IllegalStateException("statistics versions " + from + " and " + to + " differ in their inputs;"
                    + " only classes can be learned after the warm-up");
        }
        return grow(vector, spec.model().hidden().stream().mapToInt(Integer::intValue).toArray(), before.inputSize(),
                before.outputSize(), after.outputSize());
    }

    /** The growth of {@code vector} (whole multiples of the network's parameters) from {@code outputs} to more. */
    static float[] grow(float[] vector, int[] hidden, int inputs, int outputs, int grownOutputs) {
        int before = 0;
        int width = inputs;
        for (int units : hidden) {
            before += units * width + units;
            width = units;
        }
        int oldSize = before + outputs * width + outputs;
        int newSize = before + grownOutputs * width + grownOutputs;
        if (vector.length % oldSize != 0) {
            throw new IllegalArgumentException("a vector of " + vector.length + " values is not a whole number of"
                    + " networks of " + oldSize + " parameters");
        }
        int copies = vector.length / oldSize;
        float[] grown = new float[copies * newSize];
        for (int copy = 0; copy < copies; copy++) {
            int from = copy * oldSize;
            int to = copy * newSize;
            System.arraycopy(vector, from, grown, to, before + outputs * width);
            System.arraycopy(vector, from + before + outputs * width, grown, to + before + grownOutputs * width,
                    outputs);
        }
        return grown;
    }
}
