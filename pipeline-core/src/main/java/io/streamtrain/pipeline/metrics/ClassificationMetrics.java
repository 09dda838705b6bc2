package io.streamtrain.pipeline.metrics;

import io.streamtrain.contracts.ClassScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates a confusion matrix and derives accuracy, macro precision, recall and F1 and per-class scores from
 * it, and the log-loss from the probabilities given to the actual classes. In: (actual, predicted) class indices
 * and, optionally, the probability of the actual class. Out: metrics by name. Classes with no actual and no
 * predicted row count as absent from the macro averages. Probabilities are clipped to [1e-15, 1] as scikit-learn
 * does, so a confident mistake costs about 34.5, not infinity.
 */
public final class ClassificationMetrics {

    private final long[][] confusion;
    private long total;
    private double logLossSum;
    private long probabilities;

    public ClassificationMetrics(int classes) {
        this.confusion = new long[classes][classes];
    }

    public void add(int actual, int predicted) {
        confusion[actual][predicted]++;
        total++;
    }

    /** Adds a row with the probability the model gave its actual class (for the log-loss). */
    public void add(int actual, int predicted, double actualClassProbability) {
        add(actual, predicted);
        logLossSum -= Math.log(Math.min(1.0, Math.max(1e-15, actualClassProbability)));
        probabilities++;
    }

    /** Precision, recall, F1 and support of each class, in class order. */
    public List<ClassScores> perClass(List<String> names) {
        List<ClassScores> scores = new ArrayList<>();
        for (int c = 0; c < confusion.length; c++) {
            long actual = 0;
            long predicted = 0;
            for (int j = 0; j < confusion.length; j++) {
                actual += confusion[c][j];
                predicted += confusion[j][c];
            }
            double precision = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
            double recall = actual == 0 ? 0 : (double) confusion[c][c] / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.add(new ClassScores(c < names.size() ? names.get(c) : Integer.toString(c), precision, recall, f1,
                    actual));
        }
        return scores;
    }

    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public long rows() {
        return total;
    }

    public Map<String, Double> metrics() {
        int k = confusion.length;
        long correct = 0;
        double precisionSum = 0;
        double recallSum = 0;
        double f1Sum = 0;
        int present = 0;
        for (int c = 0; c < k; c++) {
            correct += confusion[c][c];
            long actual = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                actual += confusion[c][j];
                predicted += confusion[j][c];
            }
            if (actual == 0 && predicted == 0) {
                continue;
            }
            present++;
            double precision = predicted == 0 ? 0 : (double) confusion[c][c] / predicted;
            double recall = actual == 0 ? 0 : (double) confusion[c][c] / actual;
            precisionSum += precision;
            recallSum += recall;
            f1Sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", total == 0 ? 0 : (double) correct / total);
        metrics.put("macro_precision", present == 0 ? 0 : precisionSum / present);
        metrics.put("macro_recall", present == 0 ? 0 : recallSum / present);
        metrics.put("macro_f1", present == 0 ? 0 : f1Sum / present);
        if (probabilities > 0) {
            metrics.put("log_loss", logLossSum / probabilities);
        }
        return metrics;
    }
}
