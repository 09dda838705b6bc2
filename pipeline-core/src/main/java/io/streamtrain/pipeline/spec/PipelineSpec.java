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
                       String idField, Map<String, String> impute, Map<String, List<String>> categories,
                       Map<String, PrivacyMode> privateFields, BadRecordBudget maxBadRecords,
                       int csvMaxLinesPerRecord) {

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
     * remembered to drop duplicates (0 turns it off), the optional clipping of z-scores to +/- {@code clip}, and
     * the share of a column's non-empty warm-up values that must be numbers for it to be inferred numeric.
     */
    public record Preprocess(int warmupRecords, int dedupeWindow, Double clip, double numericShare) {
    }

    /** Hidden layer widths, their activation, and the dropout rate after each hidden layer (0 = none). */
    public record Model(List<Integer> hidden, Activation activation, double dropout) {
    }

    /**
     * How the network learns: optimizer, learning rate and its schedule, SGD momentum, weight decay, loss (with
     * the Huber delta and optional class weights), global gradient-norm clipping (0 = off), what a non-finite
     * step does, epochs, random seed, when to checkpoint (every {@code checkpointEvery} steps, and in addition
     * every {@code checkpointEverySeconds} seconds when that is above 0), how many checkpoints to keep (0 = all),
     * the optional early-stopping patience (evaluations without improvement of the spec's metric; 0 = never), and
     * how several trainers average their parameters ({@code null}: one trainer reads every partition alone).
     */
    public record Train(OptimizerKind optimizer, double learningRate, Schedule schedule, double momentum,
                        double weightDecay, LossKind loss, double huberDelta, ClassWeights classWeights,
                        double clipGradNorm, NonFinitePolicy onNonFinite, int epochs, long seed,
                        int checkpointEvery, int checkpointEverySeconds, int keepCheckpoints, int patience,
                        Sync sync) {
    }

    /**
     * Training by a group of trainers ({@code train.sync}): they share the train batch partitions through one
     * consumer group and average their parameters, weighted by the samples each trained on, every
     * {@code everySteps} local steps; a round waits at most {@code timeoutSeconds} for a member. The optimizer's
     * state stays with each member or is averaged too ({@code optimizerState}).
     */
    public record Sync(int everySteps, int timeoutSeconds, OptimizerStateSync optimizerState) {
    }

    /**
     * The learning-rate schedule: linear warm-up from near 0 over {@code warmupSteps} optimizer steps, then
     * {@link ScheduleKind fixed, step or cosine} decay over {@code decaySteps} steps.
     */
    public record Schedule(ScheduleKind type, int warmupSteps, int decaySteps, double gamma,
                           double minLearningRate) {

        public static final Schedule FIXED = new Schedule(ScheduleKind.FIXED, 0, 0, 1.0, 0.0);
    }

    /**
     * Per-class weights of the cross-entropy loss: none (every class 1), {@code balanced} (total / (classes x
     * count) from the warm-up class counts), or explicit weights by class name (unlisted classes weigh 1).
     */
    public record ClassWeights(boolean balanced, Map<String, Double> explicit) {

        public static final ClassWeights NONE = new ClassWeights(false, Map.of());

        public boolean none() {
            return !balanced && explicit.isEmpty();
        }
    }

    /**
     * The champion gate: the metric it compares; absolute thresholds a checkpoint must pass (metric key to value;
     * at least the value, or at most for error metrics); the improvement over the champion required
     * ({@code minDelta}, in the metric's units; 0 means strictly better); and optionally the confidence level of
     * a paired bootstrap interval of the improvement that must exclude zero, from {@code bootstrapSamples}
     * resamples of the validation rows.
     */
    public record Evaluate(Metric metric, Map<Metric, Double> thresholds, double minDelta, Double confidence,
                           int bootstrapSamples) {
    }

    public boolean classification() {
        return data.task() == Task.CLASSIFICATION;
    }
}
