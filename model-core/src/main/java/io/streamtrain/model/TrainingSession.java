package io.streamtrain.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.batch.Batch;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * The network of a spec being trained by backprop. In: mini-batches. Out: the loss of each step; parameters
 * saved on request. Softmax cross-entropy for classification, mean squared error (DJL's L2 loss, half the
 * squared error) on the z-scored target for regression; Adam or SGD at the spec's learning rate. Per-step
 * arrays live in a sub-manager that is closed after the step, so native memory does not grow.
 */
public final class TrainingSession implements AutoCloseable {

    private final Model model;
    private final Trainer trainer;
    private final Optimizer optimizer;

    public TrainingSession(PipelineSpec spec, NormalizationStats stats, int threads) {
        Engines.pytorch(threads).setRandomSeed((int) spec.train().seed());
        this.model = Model.newInstance(spec.pipeline(), "PyTorch");
        model.setBlock(MlpFactory.build(spec, stats));
        Loss loss = spec.classification() ? Loss.softmaxCrossEntropyLoss() : Loss.l2Loss();
        Tracker rate = Tracker.fixed((float) spec.train().learningRate());
        this.optimizer = switch (spec.train().optimizer()) {
            case ADAM -> Optimizer.adam().optLearningRateTracker(rate).build();
            case SGD -> Optimizer.sgd().setLearningRateTracker(rate).build();
        };
        this.trainer = model.newTrainer(new DefaultTrainingConfig(loss).optOptimizer(optimizer));
        trainer.initialize(new Shape(1, stats.inputSize()));
    }

    /** One forward/backward pass and optimizer update; returns the batch's mean loss. */
    public float step(Batch batch) {
        try (NDManager step = trainer.getManager().newSubManager()) {
            NDArray features = step.create(batch.features(), new Shape(batch.rows(), batch.cols()));
            NDArray labels = batch.classification()
                    ? step.create(batch.classes(), new Shape(batch.rows()))
                    : step.create(batch.targets(), new Shape(batch.rows(), 1));
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList predictions = trainer.forward(new NDList(features));
                NDArray lossValue = trainer.getLoss().evaluate(new NDList(labels), predictions);
                collector.backward(lossValue);
                loss = lossValue.getFloat();
            }
            trainer.step();
            return loss;
        }
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
