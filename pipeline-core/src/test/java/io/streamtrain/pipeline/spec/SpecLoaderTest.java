package io.streamtrain.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

    private static final String MINIMAL = """
            pipeline: letters
            data:
              label: lettr
              task: classification
            """;

    @Test
    void minimalSpecGetsDefaults() {
        PipelineSpec spec = SpecLoader.parse(MINIMAL);
        assertThat(spec.pipeline()).isEqualTo("letters");
        assertThat(spec.data().task()).isEqualTo(Task.CLASSIFICATION);
        assertThat(spec.data().features()).isEmpty();
        assertThat(spec.split().validation()).isEqualTo(0.2);
        assertThat(spec.batch().size()).isEqualTo(128);
        assertThat(spec.model().hidden()).isEqualTo(List.of(64, 32));
        assertThat(spec.train().optimizer()).isEqualTo(OptimizerKind.ADAM);
        assertThat(spec.evaluate().metric()).isEqualTo(Metric.ACCURACY);
        assertThat(spec.hash()).hasSize(64);
    }

    @Test
    void fullSpecFromTheDesignIsRead() {
        PipelineSpec spec = SpecLoader.parse("""
                pipeline: diamonds
                data:
                  label: price
                  task: regression
                  features: {carat: numeric, cut: categorical}
                split: {validation: 0.1}
                batch: {size: 64, shuffleBuffer: 500}
                model: {hidden: [128, 64], activation: tanh}
                train: {optimizer: sgd, learningRate: 0.05, epochs: 3, seed: 1, checkpointEvery: 10}
                evaluate: {metric: r2}
                """);
        assertThat(spec.data().features()).containsEntry("cut", FeatureType.CATEGORICAL);
        assertThat(spec.data().features().keySet()).containsExactly("carat", "cut");
        assertThat(spec.model().activation()).isEqualTo(Activation.TANH);
        assertThat(spec.train().learningRate()).isEqualTo(0.05);
        assertThat(spec.evaluate().metric()).isEqualTo(Metric.R2);
    }

    @Test
    void errorsNameTheKey() {
        assertKey("data:\n  label: a\n  task: classification\n", "pipeline");
        assertKey(MINIMAL + "train:\n  learningRate: fast\n", "train.learningRate");
        assertKey(MINIMAL + "train:\n  epochs: 0\n", "train.epochs");
        assertKey(MINIMAL + "trian:\n  epochs: 3\n", "trian");
        assertKey(MINIMAL.replace("classification", "clustering"), "data.task");
        assertKey(MINIMAL + "evaluate:\n  metric: rmse\n", "evaluate.metric");
        assertKey(MINIMAL + "model:\n  hidden: [64, -1]\n", "model.hidden[1]");
        assertKey(MINIMAL + "split:\n  validation: 1.5\n", "split.validation");
        assertKey("pipeline: x\ndata:\n  task: regression\n", "data.label");
        assertKey(MINIMAL + "  impute: {x: median}\n", "data.impute.x");
        assertKey(MINIMAL + "  features: {x: categorical}\n  impute: {x: mean}\n", "data.impute.x");
        assertKey(MINIMAL + "  features: {x: numeric}\n  categories: {x: [a]}\n", "data.categories.x");
        assertKey(MINIMAL + "preprocess:\n  clip: 0\n", "preprocess.clip");
    }

    @Test
    void notYamlIsAClearError() {
        assertThatThrownBy(() -> SpecLoader.parse("pipeline: [unclosed")).isInstanceOf(SpecException.class)
                .hasMessageContaining("not valid YAML");
    }

    private static void assertKey(String yaml, String key) {
        assertThatThrownBy(() -> SpecLoader.parse(yaml))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageContaining("'" + key + "'");
    }
}
