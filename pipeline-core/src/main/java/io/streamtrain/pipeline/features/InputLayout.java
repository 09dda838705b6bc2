package io.streamtrain.pipeline.features;

import io.streamtrain.contracts.NormalizationStats;
import java.util.List;

/**
 * How the encoded input of one statistics version maps onto another's, when categorical values were learned after
 * the warm-up. In: two versions of a pipeline's statistics whose vocabularies differ only by values appended at the
 * end (numeric features and the order of features are the same). Out: where each input of the older layout lies in
 * the newer one (the new values' slots are inserted before each block's {@code <unknown>} slot), and rows converted
 * either way: up by zero-extension (exact: no older row held a value learned later), down by sending a newer
 * value's slot to the older block's {@code <unknown>} slot (what the older model would have seen for it).
 */
public final class InputLayout {

    private InputLayout() {
    }

    /** For each input of {@code older}'s layout, its index in {@code newer}'s. */
    public static int[] growthMap(NormalizationStats older, NormalizationStats newer) {
        if (!older.numeric().stream().map(NormalizationStats.NumericFeature::name).toList()
                .equals(newer.numeric().stream().map(NormalizationStats.NumericFeature::name).toList())
                || older.categorical().size() != newer.categorical().size()) {
            throw new IllegalArgumentException("statistics versions " + older.version() + " and " + newer.version()
                    + " have different features; only vocabularies grow after the warm-up");
        }
        int[] map = new int[older.inputSize()];
        int from = 0;
        int to = 0;
        for (int i = 0; i < older.numeric().size(); i++) {
            map[from++] = to++;
        }
        for (int c = 0; c < older.categorical().size(); c++) {
            List<String> before = older.categorical().get(c).vocabulary();
            List<String> after = newer.categorical().get(c).vocabulary();
            if (after.size() < before.size() || !after.subList(0, before.size()).equals(before)) {
                throw new IllegalArgumentException("the vocabulary of '" + older.categorical().get(c).name()
                        + "' in statistics version " + newer.version() + " does not extend version " + older.version());
            }
            for (int k = 0; k < before.size(); k++) {
                map[from++] = to + k;
            }
            map[from++] = to + after.size(); // <unknown>
            to += after.size() + 1;
        }
        return map;
    }

    /**
     * The features of {@code rows} rows encoded with {@code from}, in {@code to}'s layout; the same array when the
     * layouts are equal.
     */
    public static float[] convert(float[] features, int rows, NormalizationStats from, NormalizationStats to) {
        if (from.inputSize() == to.inputSize()) {
            return features;
        }
        boolean up = from.version() < to.version();
        int[] map = up ? growthMap(from, to) : growthMap(to, from);
        int fromCols = from.inputSize();
        int toCols = to.inputSize();
        float[] out = new float[rows * toCols];
        if (up) {
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < fromCols; i++) {
                    out[r * toCols + map[i]] = features[r * fromCols + i];
                }
            }
            return out;
        }
        int[] down = downMap(map, to, fromCols);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < fromCols; j++) {
                out[r * toCols + down[j]] += features[r * fromCols + j];
            }
        }
        return out;
    }

    /** For each input of the newer layout, its index in the older one (a new value's slot: its block's unknown). */
    private static int[] downMap(int[] growth, NormalizationStats older, int newerCols) {
        int[] down = new int[newerCols];
        java.util.Arrays.fill(down, -1);
        for (int i = 0; i < growth.length; i++) {
            down[growth[i]] = i;
        }
        int position = older.numeric().size();
        int newerPosition = position;
        for (NormalizationStats.CategoricalFeature feature : older.categorical()) {
            int unknown = position + feature.vocabulary().size();
            int blockEnd = growth[unknown];
            for (int j = newerPosition; j <= blockEnd; j++) {
                if (down[j] < 0) {
                    down[j] = unknown;
                }
            }
            position = unknown + 1;
            newerPosition = blockEnd + 1;
        }
        return down;
    }
}
