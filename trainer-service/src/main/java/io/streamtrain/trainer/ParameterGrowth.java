package io.streamtrain.trainer;

import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.model.NetworkGrowth;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Grows the vectors a group of trainers exchanges when classes or categorical values were learned after the
 * warm-up. In: a parameter (or optimizer state) vector of the network of one statistics version, and the versions.
 * Out: the vector of the network of the newer version ({@link NetworkGrowth}: every value kept, new output rows and
 * input columns at zero), as {@link io.streamtrain.model.TrainingSession#importGrown} grows a session; an optimizer
 * state is the parameter layout once per state field.
 */
final class ParameterGrowth implements SyncRounds.Growth {

    private final PipelineSpec spec;
    private final IntFunction<NormalizationStats> statsOfVersion;
    private final Map<Integer, NormalizationStats> known = new HashMap<>();

    ParameterGrowth(PipelineSpec spec, IntFunction<NormalizationStats> statsOfVersion) {
        this.spec = spec;
        this.statsOfVersion = statsOfVersion;
    }

    /** The statistics of a version (looked up once; the topic may hold only newer ones: rebuilt as of it). */
    NormalizationStats stats(int version) {
        return known.computeIfAbsent(version, v -> statsOfVersion.apply(v).asOf(v));
    }

    @Override
    public float[] grow(float[] vector, int from, int to, boolean optimizerState) {
        return NetworkGrowth.grow(vector, spec, stats(from), stats(to));
    }
}
