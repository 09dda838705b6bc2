package io.streamtrain.model;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import io.streamtrain.contracts.NormalizationStats;
import io.streamtrain.pipeline.spec.PipelineSpec;

/**
 * Builds the multilayer perceptron of a spec: one Linear layer per {@code model.hidden} width, each followed by
 * the spec's activation (and dropout when {@code model.dropout} is above 0; active only while training), then a
 * Linear output layer (one unit per class, or one for regression). The trainer,
 * the evaluator and offline prediction all build the network here, so they agree on its shape.
 */
public final class MlpFactory {

    private MlpFactory() {
    }

    public static Block build(PipelineSpec spec, NormalizationStats stats) {
        SequentialBlock net = new SequentialBlock();
        for (int width : spec.model().hidden()) {
            net.add(Linear.builder().setUnits(width).build());
            net.add(activation(spec));
            if (spec.model().dropout() > 0) {
                net.add(Dropout.builder().optRate((float) spec.model().dropout()).build());
            }
        }
        net.add(Linear.builder().setUnits(stats.outputSize()).build());
        return net;
    }

    private static Block activation(PipelineSpec spec) {
        return switch (spec.model().activation()) {
            case RELU -> Activation.reluBlock();
            case TANH -> Activation.tanhBlock();
            case SIGMOID -> Activation.sigmoidBlock();
            case GELU -> Activation.geluBlock();
        };
    }
}
