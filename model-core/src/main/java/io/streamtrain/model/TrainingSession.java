package io.streamtrain.model;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.batch.DirectBatch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * The network of a spec being trained by backprop. In: mini-batches. Out: the loss of each step; parameters
 * saved on request. The loss, optimizer, learning-rate schedule, weight decay and gradient clipping follow the
 * spec's {@code train} section; regression losses work on the z-scored target (DJL's L2 loss is half the squared
 * error). Per-step arrays live in a sub-manager that is closed after the step, so native memory does not grow.
 *
 * <p>Reproducible: the engine's random generator (dropout masks) is re-seeded from the spec's seed and the step
 * number before each step, so a run continued from a checkpoint draws the same masks as one never interrupted.
 * A step whose loss or (with clipping) gradient norm is not finite is not applied.
 */
public final class TrainingSession implements AutoCloseable {

    private final Model model;
    private final Trainer trainer;
    private final Optimizer optimizer;
    private final Engine engine;
    private final long seed;
    private final boolean reseedEachStep;
    private final double clipGradNorm;
    private final PipelineSpec spec;
    private final NormalizationStats stats;

    public TrainingSession(PipelineSpec spec, NormalizationStats stats, int threads) {
        this.spec = spec;
        this.stats = stats;
        this.engine = Engines.pytorch(threads);
        this.seed = spec.train().seed();
        engine.setRandomSeed((int) seed);
        this.reseedEachStep = spec.model().dropout() > 0;
        this.clipGradNorm = spec.train().clipGradNorm();
        this.model = Model.newInstance(spec.pipeline(), "PyTorch");
        model.setBlock(MlpFactory.build(spec, stats));
        this.optimizer = optimizer(spec.train());
        this.trainer = model.newTrainer(new DefaultTrainingConfig(loss(spec, stats)).optOptimizer(optimizer));
        trainer.initialize(new Shape(1, stats.inputSize()));
    }

    private static Loss loss(PipelineSpec spec, NormalizationStats stats) {
        return switch (spec.train().loss()) {
            case CROSS_ENTROPY -> {
                float[] weights = ClassWeights.resolve(spec.train().classWeights(), stats);
                yield weights == null ? Loss.softmaxCrossEntropyLoss() : new WeightedCrossEntropyLoss(weights);
            }
            case MSE -> Loss.l2Loss();
            case L1 -> Loss.l1Loss();
            case HUBER -> new HuberLoss((float) spec.train().huberDelta());
        };
    }

    private static Optimizer optimizer(PipelineSpec.Train train) {
        Tracker rate = new LearningRateSchedule(train.learningRate(), train.schedule());
        float decay = (float) train.weightDecay();
        return switch (train.optimizer()) {
            case ADAM -> Optimizer.adam().optLearningRateTracker(rate).optWeightDecays(decay).build();
            case ADAMW -> Optimizer.adamW().optLearningRateTracker(rate).optWeightDecays(decay).build();
            case SGD -> Optimizer.sgd().setLearningRateTracker(rate).optMomentum((float) train.momentum())
                    .optWeightDecays(decay).build();
        };
    }

    /**
     * One forward/backward pass and optimizer update as step {@code stepNumber} of the run (1-based; it seeds
     * the dropout masks). A non-finite loss or gradient norm leaves parameters and optimizer state untouched.
     */
    public StepResult step(Batch batch, long stepNumber) {
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray features = step.create(batch.features(), new Shape(batch.rows(), batch.cols()));
            NDArray labels = batch.classification()
                    ? step.create(batch.classes(), new Shape(batch.rows()))
                    : step.create(batch.targets(), new Shape(batch.rows(), 1));
            return step(step, features, labels, stepNumber);
        }
    }

    /**
     * The same step on a batch in native memory: its buffer becomes the input tensors without a copy, and may be
     * reused once this returns.
     */
    public StepResult step(DirectBatch batch, long stepNumber) {
        if (batch.data().order() != ByteOrder.nativeOrder() || !batch.data().isDirect()) {
            throw new IllegalArgumentException("batch " + batch.batchId() + " is not in a direct buffer of the "
                    + "platform's byte order");
        }
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray features = step.create(batch.features(), new Shape(batch.rows(), batch.cols()), DataType.FLOAT32);
            NDArray labels = batch.classification()
                    ? step.create(batch.labels(), new Shape(batch.rows()), DataType.INT32)
                    : step.create(batch.labels(), new Shape(batch.rows(), 1), DataType.FLOAT32);
            return step(step, features, labels, stepNumber);
        }
    }

    private StepResult step(NDManager step, NDArray features, NDArray labels, long stepNumber) {
        if (reseedEachStep) {
            engine.setRandomSeed((int) (seed * 1_000_003L + stepNumber));
        }
        float loss;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(new NDList(features));
            NDArray lossValue = trainer.getLoss().evaluate(new NDList(labels), predictions);
            loss = lossValue.getFloat();
            if (!Float.isFinite(loss)) {
                return new StepResult(loss, Double.NaN, false, "loss is " + loss);
            }
            collector.backward(lossValue);
        }
        double norm = Double.NaN;
        if (clipGradNorm > 0) {
            List<NDArray> gradients = gradients(step);
            norm = GradientClipping.globalNorm(gradients);
            if (!Double.isFinite(norm)) {
                GradientClipping.zero(gradients);
                return new StepResult(loss, norm, false, "gradient norm is " + norm);
            }
            GradientClipping.clip(gradients, norm, clipGradNorm);
        }
        trainer.step();
        return new StepResult(loss, norm, true, null);
    }

    /** The gradients of the trainable parameters, as handles owned by {@code manager}. */
    private List<NDArray> gradients(NDManager manager) {
        List<NDArray> gradients = new ArrayList<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            if (parameter.getValue().requiresGradient()) {
                NDArray gradient = parameter.getValue().getArray().getGradient();
                gradient.attach(manager);
                gradients.add(gradient);
            }
        }
        return gradients;
    }

    /** True when every parameter is finite: what may be checkpointed. */
    public boolean parametersFinite() {
        try (NDManager check = trainer.getManager().newSubManager()) {
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                NDArray values = parameter.getValue().getArray();
                NDArray bad = values.isNaN().logicalOr(values.isInfinite()).any();
                bad.attach(check);
                if (bad.getBoolean()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Every parameter's values, concatenated in the block's order: what a group of trainers averages. */
    public float[] parameterVector() {
        List<float[]> arrays = new ArrayList<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            arrays.add(parameter.getValue().getArray().toFloatArray());
        }
        return concat(arrays);
    }

    private static float[] concat(List<float[]> arrays) {
        float[] vector = new float[arrays.stream().mapToInt(a -> a.length).sum()];
        int at = 0;
        for (float[] values : arrays) {
            System.arraycopy(values, 0, vector, at, values.length);
            at += values.length;
        }
        return vector;
    }

    /** Sets every parameter from a vector laid out as {@link #parameterVector()}; the optimizer state stays. */
    public void setParameterVector(float[] vector) {
        int at = 0;
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            NDArray array = parameter.getValue().getArray();
            int size = (int) array.size();
            if (at + size > vector.length) {
                throw new IllegalArgumentException("a parameter vector of " + vector.length + " values does not fit"
                        + " this model");
            }
            array.set(java.util.Arrays.copyOfRange(vector, at, at + size));
            at += size;
        }
        if (at != vector.length) {
            throw new IllegalArgumentException("a parameter vector of " + vector.length + " values does not fit this"
                    + " model of " + at);
        }
    }

    /**
     * The optimizer's per-parameter state (Adam's moments, SGD's momentum), field by field and, within a field, in
     * the block's parameter order: what a group of trainers averages with {@code optimizerState: average}. Empty
     * while the optimizer has no state for some parameter (before the first step).
     */
    public float[] optimizerStateVector() {
        TrainingState state = exportState();
        List<float[]> arrays = new ArrayList<>();
        for (String field : OptimizerStateAccess.arrayFields(optimizer)) {
            Map<String, float[]> byName = state.optimizerArrays().getOrDefault(field, Map.of());
            for (String name : state.parameters().keySet()) {
                float[] values = byName.get(name);
                if (values == null) {
                    return new float[0];
                }
                arrays.add(values);
            }
        }
        return concat(arrays);
    }

    /** Sets the optimizer's per-parameter state from a vector laid out as {@link #optimizerStateVector()}. */
    public void setOptimizerStateVector(float[] vector) {
        Map<String, Map<String, float[]>> arrays = new LinkedHashMap<>();
        Map<String, NDArray> byName = new HashMap<>();
        Map<String, String> idOfName = new HashMap<>();
        int at = 0;
        for (String field : OptimizerStateAccess.arrayFields(optimizer)) {
            Map<String, float[]> values = new LinkedHashMap<>();
            for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
                NDArray array = parameter.getValue().getArray();
                int size = (int) array.size();
                if (at + size > vector.length) {
                    throw new IllegalArgumentException("an optimizer state of " + vector.length + " values does not"
                            + " fit this model");
                }
                values.put(parameter.getKey(), java.util.Arrays.copyOfRange(vector, at, at + size));
                byName.put(parameter.getKey(), array);
                idOfName.put(parameter.getKey(), parameter.getValue().getId());
                at += size;
            }
            arrays.put(field, values);
        }
        if (at != vector.length) {
            throw new IllegalArgumentException("an optimizer state of " + vector.length + " values does not fit this"
                    + " model's " + at);
        }
        OptimizerStateAccess.restore(optimizer, new TrainingState(Map.of(), arrays, Map.of(),
                OptimizerStateAccess.numUpdate(optimizer)), byName, idOfName);
    }

    /** The parameters and optimizer state, to continue exactly from here later. */
    public TrainingState exportState() {
        Map<String, float[]> parameters = new LinkedHashMap<>();
        Map<String, String> nameOfId = new HashMap<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            parameters.put(parameter.getKey(), parameter.getValue().getArray().toFloatArray());
            nameOfId.put(parameter.getValue().getId(), parameter.getKey());
        }
        Map<String, Map<String, float[]>> arrays = new LinkedHashMap<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        OptimizerStateAccess.export(optimizer, nameOfId, arrays, counts);
        return new TrainingState(parameters, arrays, counts, OptimizerStateAccess.numUpdate(optimizer));
    }

    /** Continues from an exported state: parameters and optimizer state are set in place. */
    public void importState(TrainingState state) {
        Map<String, NDArray> byName = new HashMap<>();
        Map<String, String> idOfName = new HashMap<>();
        for (Pair<String, Parameter> parameter : model.getBlock().getParameters()) {
            float[] values = state.parameters().get(parameter.getKey());
            if (values == null) {
                throw new IllegalArgumentException("the saved state has no parameter " + parameter.getKey());
            }
            parameter.getValue().getArray().set(values);
            byName.put(parameter.getKey(), parameter.getValue().getArray());
            idOfName.put(parameter.getKey(), parameter.getValue().getId());
        }
        OptimizerStateAccess.restore(optimizer, state, byName, idOfName);
    }

    /**
     * Continues from the state of this network before its statistics grew ({@code before}: classes or categorical
     * values appended, whose indices never change): every parameter and optimizer array keeps its values, the new
     * output rows and input columns (weights, moments) start at zero ({@link NetworkGrowth}), so the logits of the
     * existing classes on rows of the older layout are unchanged.
     */
    public void importGrown(TrainingState state, NormalizationStats before) {
        List<int[]> oldShapes = NetworkGrowth.shapes(spec, before);
        List<int[]> newShapes = NetworkGrowth.shapes(spec, stats);
        int[] inputMap = before.inputSize() == stats.inputSize() ? null
                : io.streamtrain.pipeline.features.InputLayout.growthMap(before, stats);
        List<String> names = new ArrayList<>(exportState().parameters().keySet());
        Map<String, float[]> parameters = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            parameters.put(names.get(i), grown(state.parameters().get(names.get(i)), names.get(i), i, oldShapes,
                    newShapes, inputMap));
        }
        Map<String, Map<String, float[]>> arrays = new LinkedHashMap<>();
        state.optimizerArrays().forEach((field, byName) -> {
            Map<String, float[]> grownByName = new LinkedHashMap<>();
            byName.forEach((name, values) -> grownByName.put(name, grown(values, name, names.indexOf(name),
                    oldShapes, newShapes, inputMap)));
            arrays.put(field, grownByName);
        });
        importState(new TrainingState(parameters, arrays, state.updateCounts(), state.numUpdate()));
    }

    private static float[] grown(float[] values, String name, int index, List<int[]> oldShapes, List<int[]> newShapes,
                                 int[] inputMap) {
        if (values == null || index < 0 || values.length != NetworkGrowth.size(oldShapes.get(index))) {
            throw new IllegalArgumentException("parameter " + name + " of the network before the growth does not"
                    + " fit its statistics");
        }
        return NetworkGrowth.grow(values, oldShapes.get(index), newShapes.get(index), index == 0 ? inputMap : null);
    }

    /** Writes the parameters as {@code <dir>/model-0000.params}. */
    public void saveParameters(Path dir) throws IOException {
        model.save(dir, CheckpointFiles.MODEL_NAME);
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
    }
}
