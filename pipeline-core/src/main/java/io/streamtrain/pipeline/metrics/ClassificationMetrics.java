package io.streamtrain.pipeline.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Accumulates a confusion matrix and derives accuracy and macro precision, recall and F1 from it. In: pairs of
 * (actual, predicted) class indices. Out: metrics by name. Classes with no actual and no predicted row count as
 * absent from the macro averages.
 */
public final class ClassificationMetrics {

    private final long[][] confusion;
    private long total;

    public ClassificationMetrics(int classes) {
        this.confusion = new long[classes][classes];
    }

    public void add(int actual, int predicted) {
        confusion[actual][predicted]++;
        total++;
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
        return metrics;
    }
}
