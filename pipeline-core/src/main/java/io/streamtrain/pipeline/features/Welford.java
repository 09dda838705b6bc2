package io.streamtrain.pipeline.features;

/** Running mean and variance (Welford's algorithm): one pass, numerically stable. */
public final class Welford {

    private long count;
    private double mean;
    private double m2;

    public void add(double value) {
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
    }

    public long count() {
        return count;
    }

    public double mean() {
        return mean;
    }

    /** Population standard deviation; 0 with fewer than two values. */
    public double std() {
        return count < 2 ? 0.0 : Math.sqrt(m2 / count);
    }
}
