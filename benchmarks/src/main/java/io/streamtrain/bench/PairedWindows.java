package io.streamtrain.bench;

import io.streamtrain.contracts.ProgressEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the trainer and the in-memory ceiling in turns, so that both see the machine as it is at the same
 * moment. After the trainer's warm-up, the trainer trains for a window, is stopped (SIGSTOP: its process, feed
 * included, holds still and the broker has nobody to serve), the ceiling trains for a window in this JVM, and
 * the trainer goes on (SIGCONT). In: the trainer's progress events as they arrive. Out: for each
 * window, the trainer's rate (between its first and last progress event inside the window) over the ceiling's
 * rate in the window right after it. Their median cancels drifts of the machine's speed slower than a pair of
 * windows, which on a shared machine reach 30% within minutes. Linux and macOS only (it signals with
 * {@code kill}).
 */
final class PairedWindows {

    /** The ceiling: trains from memory for a while and returns its samples per second. */
    interface Ceiling {
        double rate(double seconds);
    }

    private final long trainerPid;
    private final Ceiling ceiling;
    private final long warmupMillis;
    private final long windowMillis;
    private final List<long[]> windows = new ArrayList<>();
    private final List<Double> ceilingRates = new ArrayList<>();
    private long runningSince = -1;

    PairedWindows(long trainerPid, Ceiling ceiling, double warmupSeconds, double windowSeconds) {
        this.trainerPid = trainerPid;
        this.ceiling = ceiling;
        this.warmupMillis = (long) (warmupSeconds * 1000);
        this.windowMillis = (long) (windowSeconds * 1000);
    }

    /** Called after every poll of the trainer's events: ends the trainer's window when it is due. */
    void afterPoll(TrainerFixture.Events events) {
        if (events.progress.isEmpty()) {
            return;
        }
        if (runningSince < 0) {
            runningSince = events.progress.get(0).createdAt() + warmupMillis;
        }
        long now = System.currentTimeMillis();
        if (now < runningSince + windowMillis) {
            return;
        }
        windows.add(new long[] {runningSince, now});
        signal("STOP");
        try {
            ceilingRates.add(ceiling.rate(windowMillis / 1000.0));
        } finally {
            signal("CONT");
        }
        runningSince = System.currentTimeMillis();
    }

    /** What the pairs measured: per complete pair the ratio, and the rates over all of them. */
    record Result(double[] ratios, double trainerRate, double ceilingRate) {
    }

    /**
     * Per complete pair (a window with two progress events of the trainer or more): the trainer's rate in its
     * window over the ceiling's right after it; beside them, the trainer's samples over its time in all those
     * windows, and the median of the ceiling's rates in them.
     */
    Result result(List<ProgressEvent> progress) {
        List<Double> ratios = new ArrayList<>();
        List<Double> ceilings = new ArrayList<>();
        double samples = 0;
        double seconds = 0;
        for (int i = 0; i < windows.size(); i++) {
            long from = windows.get(i)[0];
            long to = windows.get(i)[1];
            List<ProgressEvent> inside = progress.stream()
                    .filter(e -> e.createdAt() >= from && e.createdAt() <= to).toList();
            if (inside.size() >= 2) {
                ProgressEvent first = inside.get(0);
                ProgressEvent last = inside.get(inside.size() - 1);
                ratios.add(TrainerThroughput.rate(first, last) / ceilingRates.get(i));
                ceilings.add(ceilingRates.get(i));
                samples += last.samplesSeen() - first.samplesSeen();
                seconds += (last.createdAt() - first.createdAt()) / 1000.0;
            }
        }
        return new Result(ratios.stream().mapToDouble(Double::doubleValue).toArray(),
                seconds == 0 ? Double.NaN : samples / seconds,
                ceilings.isEmpty() ? Double.NaN : BenchSupport.median(ceilings.stream().mapToDouble(d -> d).toArray()));
    }

    /** When the first pair began (epoch milliseconds; -1 before the trainer's first progress event). */
    long pairsFrom() {
        return windows.isEmpty() ? runningSince : windows.get(0)[0];
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(trainerPid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + trainerPid + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot signal the trainer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
