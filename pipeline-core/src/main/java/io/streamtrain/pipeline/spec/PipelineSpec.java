package io.streamtrain.pipeline.spec;

import java.util.List;
import java.util.Map;

/**
 * A pipeline as its YAML spec describes it; every service reads the same file. Built and checked by
 * {@link SpecLoader}; {@code hash} is the SHA-256 of the file, recorded in checkpoints and models.
 */
public record PipelineSpec(String pipeline, Data data, Split split, Batch batch, Preprocess preprocess,
                           Model model, Train train, Evaluate evaluate, String hash) {

    /**
     * The data: the label field, the task, optional declared feature types (in input order; empty means every
     * other field, types inferred during warm-up), optional fixed class list, optional id field, what a missing
     * value of a feature becomes ({@code mean} or {@code most_frequent}; unlisted features reject it), and fixed
     * vocabularies of categorical features.
     */
    public record Data(String label, Task task, Map<String, FeatureType> features, List<String> classes,
                       String idField, Map<String, String> impute, Map<String, List<String>> categories) {

        /** The missing-value policy of a feature: {@code reject}, {@code mean} or {@code most_frequent}. */
        public String missingPolicy(String feature) {
            return impute.getOrDefault(feature, "reject");
        }
    }

    /** Fraction of records held out for validation, chosen by a stable hash of the record id. */
    public record Split(double validation) {
    }

    /** Mini-batch size and the size of the seeded shuffle buffer that de-sorts the input. */
    public record Batch(int size, int shuffleBuffer) {
    }

    /**
     * Number of records from which the normalization statistics are computed, how many recent record ids are
     * remembered to drop duplicates (0 turns it off), and the optional clipping of z-scores to +/- {@code clip}.
     */
    public record Preprocess(int warmupRecords, int dedupeWindow, Double clip) {
    }

    /** Hidden layer widths and their activation. */
    public record Model(List<Integer> hidden, Activation activation) {
    }

    /**
     * Optimizer, learning rate, epochs, random seed, steps between checkpoints, and the optional early-stopping
     * patience (evaluations without improvement of the spec's metric; 0 means never stop early).
     */
    public record Train(OptimizerKind optimizer, double learningRate, int epochs, long seed,
                        int checkpointEvery, int patience) {
    }

    /** The metric the champion gate compares. */
    public record Evaluate(Metric metric) {
    }

    public boolean classification() {
        return data.task() == Task.CLASSIFICATION;
    }
}
