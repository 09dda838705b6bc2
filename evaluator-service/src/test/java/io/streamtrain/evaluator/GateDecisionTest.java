package io.streamtrain.evaluator;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.pipeline.metrics.Predictions;
import io.streamtrain.pipeline.spec.Metric;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class GateDecisionTest {

    private static final PipelineSpec.Evaluate PLAIN = gate(Metric.ACCURACY, Map.of(), 0, null);

    private static PipelineSpec.Evaluate gate(Metric metric, Map<Metric, Double> thresholds, double minDelta,
                                              Double confidence) {
        return new PipelineSpec.Evaluate(metric, thresholds, minDelta, confidence, 1000);
    }

    @Test
    void theFirstModelIsPromotedWhenItPassesTheThresholds() {
        GateDecision first = GateDecision.decide(PLAIN, 1, classifier(2000, 0.5, 1), null);
        assertThat(first.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(first.reason()).contains("first model");
        assertThat(first.report().championValue()).isNull();

        var strict = gate(Metric.ACCURACY, Map.of(Metric.ACCURACY, 0.8, Metric.LOG_LOSS, 100.0), 0, null);
        GateDecision below = GateDecision.decide(strict, 1, classifier(2000, 0.7, 1), null);
        assertThat(below.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(below.reason()).startsWith("fails its thresholds: accuracy = 0.6")
                .contains("below the threshold 0.8");
        assertThat(below.report().thresholds()).hasSize(2)
                .anySatisfy(check -> assertThat(check.passed()).isFalse())
                .anySatisfy(check -> assertThat(check.passed()).isTrue());
    }

    @Test
    void aWorseCheckpointIsRejectedWithTheFiguresAsData() {
        EvaluationResult champion = classifier(2000, 0.90, 1);
        EvaluationResult worse = classifier(2000, 0.85, 2);
        GateDecision decision = GateDecision.decide(PLAIN, 1, worse, champion);
        assertThat(decision.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(decision.reason()).contains("does not improve on the champion enough", "higher is better");
        assertThat(decision.report().value()).isEqualTo(worse.metrics().get("accuracy"));
        assertThat(decision.report().championValue()).isEqualTo(champion.metrics().get("accuracy"));
        assertThat(decision.report().delta()).isNegative();
    }

    @Test
    void minDeltaAndTheErrorMetricsDirectionAreRespected() {
        EvaluationResult champion = regressor(1000, 2.0, 1);
        EvaluationResult better = regressor(1000, 1.0, 1);
        assertThat(GateDecision.decide(gate(Metric.RMSE, Map.of(), 0, null), 1, better, champion).verdict())
                .isEqualTo(Verdict.PROMOTED);
        GateDecision notEnough = GateDecision.decide(gate(Metric.RMSE, Map.of(), 5.0, null), 1, better, champion);
        assertThat(notEnough.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(notEnough.reason()).contains("required at least 5.000000");
        assertThat(notEnough.report().delta()).isPositive();
        assertThat(better.residuals().std()).isGreaterThan(0.5);
    }

    @Test
    void aClearImprovementHasAnIntervalAboveZero() {
        var confident = gate(Metric.ACCURACY, Map.of(), 0, 0.95);
        GateDecision decision = GateDecision.decide(confident, 7, classifier(3000, 0.95, 3),
                classifier(3000, 0.80, 3));
        assertThat(decision.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(decision.report().interval().low()).isPositive();
        assertThat(decision.reason()).contains("95% interval of the improvement");
    }

    @Test
    void theSameModelAgainstItselfIsNeverPromotedWithTheConfidenceCheck() {
        var confident = gate(Metric.ACCURACY, Map.of(), 0, 0.95);
        for (long seed = 0; seed < 20; seed++) {
            EvaluationResult model = classifier(2000, 0.9, seed);
            GateDecision decision = GateDecision.decide(confident, seed, model, model);
            assertThat(decision.verdict()).isEqualTo(Verdict.REJECTED);
        }
    }

    @Test
    void aTinyNoisyImprovementIsNotSignificant() {
        // The same predictions with three wrong rows out of 2000 made right: better, but not significantly.
        EvaluationResult champion = classifier(2000, 0.90, 5);
        EvaluationResult challenger = nudged(2000, 0.90, 5, 3);
        GateDecision plain = GateDecision.decide(PLAIN, 1, challenger, champion);
        GateDecision confident = GateDecision.decide(gate(Metric.ACCURACY, Map.of(), 0, 0.95), 1, challenger,
                champion);
        assertThat(plain.verdict()).isEqualTo(Verdict.PROMOTED);
        assertThat(confident.verdict()).isEqualTo(Verdict.REJECTED);
        assertThat(confident.reason()).contains("includes zero");
    }

    @Test
    void aNonNumberIsNeverPromoted() {
        EvaluationResult nan = new EvaluationResult(0, Map.of("r2", Double.NaN), null, null, null, null);
        assertThat(GateDecision.decide(gate(Metric.R2, Map.of(), 0, null), 1, nan, null).verdict())
                .isEqualTo(Verdict.REJECTED);
    }

    /** Two classes; each row right with probability {@code accuracy}. */
    private static EvaluationResult classifier(int rows, double accuracy, long seed) {
        return nudged(rows, accuracy, seed, 0);
    }

    /** Like {@link #classifier}, with the first {@code fixes} wrong rows made right. */
    private static EvaluationResult nudged(int rows, double accuracy, long seed, int fixes) {
        Random random = new Random(seed);
        int[] actual = new int[rows];
        int[] predicted = new int[rows];
        double[] probability = new double[rows];
        int fixed = 0;
        for (int i = 0; i < rows; i++) {
            actual[i] = random.nextInt(2);
            boolean right = random.nextDouble() < accuracy;
            if (!right && fixed < fixes) {
                right = true;
                fixed++;
            }
            predicted[i] = right ? actual[i] : 1 - actual[i];
            probability[i] = right ? 0.8 : 0.2;
        }
        Predictions predictions = Predictions.classification(2, actual, predicted, probability);
        var metrics = predictions.classificationMetrics();
        return new EvaluationResult(rows, metrics.metrics(), metrics.confusionMatrix(), null, null, predictions);
    }

    /** y = x with Gaussian errors of the given standard deviation. */
    private static EvaluationResult regressor(int rows, double noise, long seed) {
        Random random = new Random(seed);
        double[] actual = new double[rows];
        double[] predicted = new double[rows];
        for (int i = 0; i < rows; i++) {
            actual[i] = random.nextDouble() * 100;
            predicted[i] = actual[i] + random.nextGaussian() * noise;
        }
        Predictions predictions = Predictions.regression(actual, predicted);
        return new EvaluationResult(rows, predictions.metrics(), null, null, predictions.residuals(), predictions);
    }
}
