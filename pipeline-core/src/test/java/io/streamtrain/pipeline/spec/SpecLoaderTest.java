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
        assertThat(spec.train().loss()).isEqualTo(LossKind.CROSS_ENTROPY);
        assertThat(spec.train().schedule()).isEqualTo(PipelineSpec.Schedule.FIXED);
        assertThat(spec.train().onNonFinite()).isEqualTo(NonFinitePolicy.SKIP);
        assertThat(spec.train().classWeights().none()).isTrue();
        assertThat(spec.model().dropout()).isZero();
        assertThat(spec.train().sync()).isNull();
        assertThat(spec.evaluate().metric()).isEqualTo(Metric.ACCURACY);
        assertThat(spec.hash()).hasSize(64);
    }

    @Test
    void aSyncSectionMakesTheTrainersAGroup() {
        assertThat(SpecLoader.parse(MINIMAL + "train: {sync: {}}").train().sync())
                .isEqualTo(new PipelineSpec.Sync(20, 10, OptimizerStateSync.LOCAL));
        assertThat(SpecLoader.parse(MINIMAL + "train: {sync: {everySteps: 5, timeoutSeconds: 3}}").train().sync())
                .isEqualTo(new PipelineSpec.Sync(5, 3, OptimizerStateSync.LOCAL));
        assertThat(SpecLoader.parse(MINIMAL + "train: {sync: {optimizerState: average}}").train().sync()
                .optimizerState()).isEqualTo(OptimizerStateSync.AVERAGE);
        assertKey(MINIMAL + "train: {sync: {optimizerState: shared}}", "train.sync.optimizerState");
        assertKey(MINIMAL + "train: {sync: {everySteps: 0}}", "train.sync.everySteps");
        assertKey(MINIMAL + "train: {sync: {every: 5}}", "train.sync.every");
        PipelineSpec.Train groupStoppingEarly = SpecLoader.parse(MINIMAL + "train: {patience: 3, sync: {}}").train();
        assertThat(groupStoppingEarly.patience()).isEqualTo(3);
        assertThat(groupStoppingEarly.sync()).isNotNull();
    }

    @Test
    void theBadRecordBudgetAndTheCsvLineLimitAreReadWithTheirDefaults() {
        PipelineSpec.Data defaults = SpecLoader.parse(MINIMAL).data();
        assertThat(defaults.maxBadRecords()).isEqualTo(BadRecordBudget.DEFAULT);
        assertThat(defaults.csvMaxLinesPerRecord()).isEqualTo(20);
        assertThat(SpecLoader.parse(MINIMAL.replace("data:", "data:\n  maxBadRecords: 500")).data().maxBadRecords())
                .isEqualTo(new BadRecordBudget(500, 0));
        assertThat(SpecLoader.parse(MINIMAL.replace("data:", "data:\n  maxBadRecords: 2.5%\n  csv: {maxLinesPerRecord: 3}"))
                .data().csvMaxLinesPerRecord()).isEqualTo(3);
        assertKey(MINIMAL.replace("data:", "data:\n  maxBadRecords: lots"), "data.maxBadRecords");
        assertKey(MINIMAL.replace("data:", "data:\n  csv: {maxLinesPerRecord: 0}"), "data.csv.maxLinesPerRecord");
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
    void trainingOptionsAreRead() {
        PipelineSpec spec = SpecLoader.parse(MINIMAL + """
                  classes: [a, b, c]
                model: {hidden: [32], activation: gelu, dropout: 0.25}
                train:
                  optimizer: adamw
                  schedule: {type: cosine, warmupSteps: 50, decaySteps: 1000, minLearningRate: 0.0001}
                  classWeights: {b: 2.5}
                  clipGradNorm: 1.0
                  onNonFinite: stop
                  checkpointEverySeconds: 60
                  keepCheckpoints: 3
                """);
        assertThat(spec.model().activation()).isEqualTo(Activation.GELU);
        assertThat(spec.model().dropout()).isEqualTo(0.25);
        assertThat(spec.train().weightDecay()).as("adamw's default decay").isEqualTo(0.01);
        assertThat(spec.train().schedule()).isEqualTo(
                new PipelineSpec.Schedule(ScheduleKind.COSINE, 50, 1000, 0.1, 0.0001));
        assertThat(spec.train().classWeights().explicit()).containsEntry("b", 2.5);
        assertThat(spec.train().clipGradNorm()).isEqualTo(1.0);
        assertThat(spec.train().onNonFinite()).isEqualTo(NonFinitePolicy.STOP);
        assertThat(spec.train().checkpointEverySeconds()).isEqualTo(60);
        assertThat(spec.train().keepCheckpoints()).isEqualTo(3);
        assertThat(SpecLoader.parse(MINIMAL + "train: {classWeights: balanced}").train().classWeights().balanced())
                .isTrue();
        String regression = MINIMAL.replace("classification", "regression");
        assertThat(SpecLoader.parse(regression + "train: {loss: huber, huberDelta: 2}").train().huberDelta())
                .isEqualTo(2.0);
        assertThat(SpecLoader.parse(regression).train().loss()).isEqualTo(LossKind.MSE);
    }

    @Test
    void trainingOptionErrorsNameTheKey() {
        String regression = MINIMAL.replace("classification", "regression");
        assertKey(MINIMAL + "train: {loss: huber}", "train.loss");
        assertKey(regression + "train: {loss: cross_entropy}", "train.loss");
        assertKey(regression + "train: {huberDelta: 1}", "train.huberDelta");
        assertKey(regression + "train: {classWeights: balanced}", "train.classWeights");
        assertKey(MINIMAL + "train: {classWeights: even}", "train.classWeights");
        assertKey(MINIMAL + "train: {classWeights: {a: -1}}", "train.classWeights.a");
        assertKey(MINIMAL + "  classes: [a, b]\ntrain: {classWeights: {c: 2}}", "train.classWeights.c");
        assertKey(MINIMAL + "train: {momentum: 0.9}", "train.momentum");
        assertKey(MINIMAL + "train: {schedule: {type: cosine}}", "train.schedule.decaySteps");
        assertKey(MINIMAL + "train: {schedule: {type: cosine, decaySteps: 10, gamma: 0.5}}",
                "train.schedule.gamma");
        assertKey(MINIMAL + "train: {schedule: {type: linear}}", "train.schedule.type");
        assertKey(MINIMAL + "train: {onNonFinite: ignore}", "train.onNonFinite");
        assertKey(MINIMAL + "model: {dropout: 1.0}", "model.dropout");
        assertKey(MINIMAL + "model: {activation: swish}", "model.activation");
    }

    @Test
    void theGateIsRead() {
        PipelineSpec spec = SpecLoader.parse(MINIMAL + """
                evaluate:
                  metric: macro_f1
                  thresholds: {accuracy: 0.8, log_loss: 0.6}
                  minDelta: 0.002
                  confidence: 0.95
                """);
        assertThat(spec.evaluate().metric()).isEqualTo(Metric.MACRO_F1);
        assertThat(spec.evaluate().thresholds()).containsEntry(Metric.ACCURACY, 0.8)
                .containsEntry(Metric.LOG_LOSS, 0.6);
        assertThat(spec.evaluate().minDelta()).isEqualTo(0.002);
        assertThat(spec.evaluate().confidence()).isEqualTo(0.95);
        assertThat(spec.evaluate().bootstrapSamples()).isEqualTo(1000);
        assertThat(SpecLoader.parse(MINIMAL).evaluate().confidence()).isNull();
        assertKey(MINIMAL + "evaluate: {thresholds: {rmse: 3}}", "evaluate.thresholds.rmse");
        assertKey(MINIMAL + "evaluate: {thresholds: {speed: 3}}", "evaluate.thresholds.speed");
        assertKey(MINIMAL + "evaluate: {confidence: 1.5}", "evaluate.confidence");
        assertKey(MINIMAL + "evaluate: {minDelta: -1}", "evaluate.minDelta");
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
