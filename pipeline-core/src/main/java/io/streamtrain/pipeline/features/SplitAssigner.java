package io.streamtrain.pipeline.features;

import java.nio.charset.StandardCharsets;

/**
 * Decides train or validation for a record from its id alone (a seeded 64-bit hash), so the split never changes
 * when partitions, instances or restarts change.
 */
public final class SplitAssigner {

    private final double validationFraction;
    private final long seed;

    public SplitAssigner(double validationFraction, long seed) {
        this.validationFraction = validationFraction;
        this.seed = seed;
    }

    public boolean isValidation(String recordId) {
        return unitInterval(recordId) < validationFraction;
    }

    /** The id's hash mapped uniformly onto [0, 1). */
    double unitInterval(String recordId) {
        long hash = 0xcbf29ce484222325L ^ seed;
        for (byte b : recordId.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        hash = mix(hash);
        return (hash >>> 11) * 0x1.0p-53;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
