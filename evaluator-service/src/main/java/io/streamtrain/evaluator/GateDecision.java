package io.streamtrain.evaluator;

import io.streamtrain.contracts.GateReport;
import io.streamtrain.contracts.Verdict;
import io.streamtrain.model.EvaluationResult;
import io.streamtrain.pipeline.spec.Metric;
import io.streamtrain.pipeline.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The champion gate's verdict on one checkpoint, with the reason in words and as data. In order: the gate metric
 * must be a number; every absolute threshold of the spec must pass; the first model is then promoted; a later one
 * must improve on the champion (scored on the same rows) by more than zero and by at least {@code minDelta}; and,
 * when the spec sets {@code confidence}, the paired bootstrap interval of the improvement must lie above zero.
 */
public record GateDecision(Verdict verdict, String reason, GateReport report) {

    public static GateDecision decide(PipelineSpec.Evaluate gate, long seed, EvaluationResult challenger,
                                      EvaluationResult champion) {
        Metric metric = gate.metric();
        Double value = challenger.metrics().get(metric.key());
        List<GateReport.ThresholdCheck> checks = thresholds(gate.thresholds(), challenger.metrics());
        Double championValue = champion == null ? null : champion.metrics().get(metric.key());
        Double delta = value == null || championValue == null ? null : metric.improvement(value, championValue);
        GateReport figures = new GateReport(metric.key(), value, championValue, delta, gate.minDelta(), checks, null);
        if (value == null || value.isNaN()) {
            return new GateDecision(Verdict.REJECTED, metric.key() + " is not a number", figures);
        }
        List<String> failed = new ArrayList<>();
        for (GateReport.ThresholdCheck check : checks) {
            if (!check.passed()) {
                Metric thresholdMetric = Metric.byKey(check.metric());
                failed.add(String.format(Locale.ROOT, "%s = %s is %s the threshold %s", check.metric(),
                        format(check.value()), thresholdMetric.higherIsBetter() ? "below" : "above",
                        format(check.threshold())));
            }
        }
        if (!failed.isEmpty()) {
            return new GateDecision(Verdict.REJECTED, "fails its thresholds: " + String.join("; ", failed), figures);
        }
        String passed = checks.isEmpty() ? "" : " and passes its " + checks.size() + " threshold"
                + (checks.size() == 1 ? "" : "s");
        if (champion == null) {
            return new GateDecision(Verdict.PROMOTED, String.format(Locale.ROOT, "first model: %s = %s%s",
                    metric.key(), format(value), passed), figures);
        }
        String comparison = String.format(Locale.ROOT, "%s = %s vs champion %s (%s is better), improvement %s",
                metric.key(), format(value), format(championValue), metric.higherIsBetter() ? "higher" : "lower",
                format(delta));
        if (!(delta > 0) || delta < gate.minDelta()) {
            String required = gate.minDelta() > 0 ? "at least " + format(gate.minDelta()) : "above 0";
            return new GateDecision(Verdict.REJECTED, "does not improve on the champion enough: " + comparison
                    + ", required " + required, figures);
        }
        if (gate.confidence() == null) {
            return new GateDecision(Verdict.PROMOTED, "improves on the champion: " + comparison + passed, figures);
        }
        GateReport.Interval interval = PairedBootstrap.interval(challenger.predictions(), champion.predictions(),
                metric, gate.bootstrapSamples(), gate.confidence(), seed);
        GateReport withInterval = new GateReport(metric.key(), value, championValue, delta, gate.minDelta(), checks,
                interval);
        String range = String.format(Locale.ROOT, "%.0f%% interval of the improvement [%s, %s] over %d resamples",
                interval.level() * 100, format(interval.low()), format(interval.high()), interval.samples());
        if (!(interval.low() > 0)) {
            return new GateDecision(Verdict.REJECTED, "improvement not significant: " + comparison + ", " + range
                    + " includes zero", withInterval);
        }
        return new GateDecision(Verdict.PROMOTED, "improves on the champion: " + comparison + ", " + range + passed,
                withInterval);
    }

    private static List<GateReport.ThresholdCheck> thresholds(Map<Metric, Double> thresholds,
                                                              Map<String, Double> metrics) {
        List<GateReport.ThresholdCheck> checks = new ArrayList<>();
        thresholds.forEach((metric, threshold) -> {
            Double value = metrics.get(metric.key());
            boolean passed = value != null && !value.isNaN()
                    && (metric.higherIsBetter() ? value >= threshold : value <= threshold);
            checks.add(new GateReport.ThresholdCheck(metric.key(), threshold, value, passed));
        });
        return checks;
    }

    private static String format(Double value) {
        return value == null ? "none" : String.format(Locale.ROOT, "%.6f", value);
    }
}
