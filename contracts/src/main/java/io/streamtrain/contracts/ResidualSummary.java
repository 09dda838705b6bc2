package io.streamtrain.contracts;

/**
 * The residuals (predicted minus actual, in the target's original units) of a regression model on the validation
 * rows: mean, standard deviation, the 5th, 50th and 95th percentiles, and the largest absolute residual.
 */
public record ResidualSummary(double mean, double std, double p05, double p50, double p95, double maxAbs) {
}
