package io.streamtrain.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What the benchmark commands share: medians and percentiles of their samples, a process's resident memory from
 * {@code /proc/<pid>/status} (Linux), and removing a benchmark's work directory.
 */
final class BenchSupport {

    private BenchSupport() {
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The nearest-rank {@code q} quantile of an already sorted array. */
    static double percentile(double[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))];
    }

    /** Peak resident memory (VmHWM) in bytes, or -1 when unknown. */
    static long peakRss(long pid) throws IOException {
        return statusBytes(pid, "VmHWM:");
    }

    /** Current resident memory (VmRSS) in bytes, or -1 when unknown. */
    static long currentRss(long pid) throws IOException {
        return statusBytes(pid, "VmRSS:");
    }

    private static long statusBytes(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return -1;
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
