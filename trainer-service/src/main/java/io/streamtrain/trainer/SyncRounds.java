package io.streamtrain.trainer;

import io.streamtrain.contracts.SyncMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The rounds of a group of trainers, decided from the sync topic alone. In: the messages of {@code streamtrain.sync.v1}
 * for one pipeline, in topic order, with the offset of each. Out: each closed round's {@link Result}: the averaged
 * parameters, who was included, and the group's state after it (epoch, offsets of every train partition, the
 * lineage, steps and samples). Every trainer that reads the same messages reaches the same results, so the rounds
 * need no coordinator.
 *
 * <p>Round {@code r} is open once round {@code r-1} closed. It takes contributions for {@code r} in topic order
 * and closes as soon as every member of round {@code r-1} (less those that left) contributed, at its first
 * contribution when no one is expected, or at a {@code CLOSE} for {@code r} (a member waited the timeout). The
 * optimizer state is averaged the same way when every member that trained sent it.
 * Anything for another round, and a contribution of a stale epoch, is ignored: its sender finds itself left out of
 * the result and drops that work. The average is weighted by samples, summed in topic order in double precision;
 * a round without samples keeps the parameters of its first contribution.
 *
 * <p>The epoch ends with the round in which the last partition delivered its end-of-data marker; then the offsets
 * start again from the start of the segment in every partition, or, after the last epoch, the segment ends and the
 * next one starts after the markers (epoch 1 again). A round that includes a contribution asking to stop (its
 * {@code stopReason}) completes the run, with the first such reason.
 *
 * <p>Contributions carry the statistics version of their parameters. When a class was learned after the warm-up,
 * members meet it at different times: the round averages at the newest version among its contributions, after
 * {@link Growth} grew the older vectors (the new output rows at zero), and says that version in its result.
 */
final class SyncRounds {

    /** A closed round and the group's state after it. */
    record Result(long round, float[] parameters, float[] optimizerState, List<String> members, String writer,
                  int epoch, boolean epochEnded, boolean complete, long steps, long samples, long closedAtOffset,
                  String stopReason, int statsVersion, int segment, boolean segmentEnded) {
    }

    /** Grows a parameter vector (or an optimizer state vector) of statistics version {@code from} to {@code to}. */
    interface Growth {
        float[] grow(float[] vector, int from, int to, boolean optimizerState);

        /** For groups whose statistics never grow (and tests): any growth is a mistake. */
        Growth NONE = (vector, from, to, optimizerState) -> {
            throw new IllegalStateException("contributions of statistics versions " + from + " and " + to
                    + " cannot be averaged");
        };
    }

    private final int partitions;
    private final int epochs;
    private long closedRound;
    private int epoch;
    private long steps;
    private long samples;
    private final Map<Integer, Long> offsets = new HashMap<>();
    /** Where each epoch of the current segment starts, per partition (absent: the beginning). */
    private final Map<Integer, Long> segmentStart = new HashMap<>();
    private int segment = 1;
    private final Set<Integer> finished = new TreeSet<>();
    private final Lineage lineage;
    private final Growth growth;
    private Set<String> expected = new LinkedHashSet<>();
    private final List<SyncMessage> open = new ArrayList<>();
    private Result last;

    /**
     * A group at its start, or as restored from a checkpoint written after round {@code closedRound}, whose
     * {@code members} the next round waits for (without them a replay would close that round at its first
     * contribution, unlike the members who saw it live).
     */
    SyncRounds(int partitions, int epochs, long closedRound, List<String> members, int epoch, long steps,
               long samples, Map<Integer, Long> offsets, List<Integer> finished, Lineage lineage) {
        this(partitions, epochs, closedRound, members, epoch, steps, samples, offsets, finished, lineage, Growth.NONE);
    }

    /** The same, growing contributions of older statistics versions with {@code growth}. */
    SyncRounds(int partitions, int epochs, long closedRound, List<String> members, int epoch, long steps,
               long samples, Map<Integer, Long> offsets, List<Integer> finished, Lineage lineage, Growth growth) {
        this.growth = growth;
        this.partitions = partitions;
        this.epochs = epochs;
        this.closedRound = closedRound;
        this.epoch = epoch;
        this.steps = steps;
        this.samples = samples;
        this.offsets.putAll(offsets);
        this.finished.addAll(finished);
        this.lineage = lineage;
        this.expected = new LinkedHashSet<>(members);
    }

    /** Continues in segment {@code number}, whose epochs start at {@code start} (as restored from a checkpoint). */
    SyncRounds inSegment(int number, Map<Integer, Long> start) {
        segment = number;
        segmentStart.putAll(start);
        return this;
    }

    /** Takes the next message of the sync topic; returns the round it closed, or null. */
    Result accept(SyncMessage message, long offset) {
        switch (message.kind()) {
            case CONTRIBUTION -> {
                boolean fresh = message.round() == closedRound + 1 && message.epoch() == epoch
                        && open.stream().noneMatch(m -> m.member().equals(message.member()));
                if (!fresh) {
                    return null;
                }
                open.add(message);
                return allExpectedIn() ? close(offset) : null;
            }
            case CLOSE -> {
                return message.round() == closedRound + 1 && !open.isEmpty() ? close(offset) : null;
            }
            case LEAVE -> {
                expected.remove(message.member());
                return !open.isEmpty() && allExpectedIn() ? close(offset) : null;
            }
            default -> {
                return null;
            }
        }
    }

    private boolean allExpectedIn() {
        Set<String> contributed = new LinkedHashSet<>();
        open.forEach(m -> contributed.add(m.member()));
        return contributed.containsAll(expected);
    }

    private Result close(long offset) {
        int version = open.stream().mapToInt(SyncMessage::statsVersion).max().orElse(0);
        float[] average = average(open, m -> grown(m, m.parameterVector(), version, false));
        float[] optimizerState = averageOptimizerState(open, (m, state) -> grown(m, state, version, true));
        List<String> members = new ArrayList<>();
        for (SyncMessage contribution : open) {
            members.add(contribution.member());
            for (String batchId : contribution.batchIds()) {
                lineage.add(epoch, batchId);
            }
            steps += contribution.batchIds().size();
            samples += contribution.samples();
            offsets.putAll(contribution.offsets());
            finished.addAll(contribution.finished());
        }
        int closedEpoch = epoch;
        boolean epochEnded = finished.size() >= partitions;
        String stopReason = open.stream().map(SyncMessage::stopReason).filter(java.util.Objects::nonNull)
                .findFirst().orElse(null);
        boolean complete = stopReason != null;
        boolean segmentEnded = epochEnded && epoch >= epochs && !complete;
        int closedSegment = segment;
        if (segmentEnded) {
            segment++;
            epoch = 1;
            segmentStart.putAll(offsets);
            offsets.clear();
            finished.clear();
        } else if (epochEnded && !complete) {
            epoch++;
            offsets.clear();
            finished.clear();
        }
        closedRound++;
        expected = new LinkedHashSet<>(members);
        String writer = open.get(0).member();
        open.clear();
        last = new Result(closedRound, average, optimizerState, List.copyOf(members), writer, closedEpoch,
                epochEnded, complete, steps, samples, offset + 1, stopReason, version, closedSegment, segmentEnded);
        return last;
    }

    /**
     * The average optimizer state, when every contribution that trained on samples carries one (the spec averages
     * it); null otherwise, and each member keeps its own.
     */
    static float[] averageOptimizerState(List<SyncMessage> contributions) {
        return averageOptimizerState(contributions, (m, state) -> state);
    }

    private static float[] averageOptimizerState(List<SyncMessage> contributions,
                                                 java.util.function.BiFunction<SyncMessage, float[], float[]> grown) {
        List<SyncMessage> trained = contributions.stream().filter(c -> c.samples() > 0).toList();
        if (trained.isEmpty()
                || trained.stream().anyMatch(c -> c.optimizerState() == null || c.optimizerState().length == 0)) {
            return null;
        }
        return average(trained, m -> grown.apply(m, m.optimizerStateVector()));
    }

    /** A contribution's vector at the round's statistics version. */
    private float[] grown(SyncMessage contribution, float[] vector, int version, boolean optimizerState) {
        return contribution.statsVersion() < version
                ? growth.grow(vector, contribution.statsVersion(), version, optimizerState) : vector;
    }

    /**
     * One vector of every contribution, weighted by samples, in topic order; the first contribution's when no one
     * trained.
     */
    static float[] average(List<SyncMessage> contributions, Function<SyncMessage, float[]> vector) {
        long total = contributions.stream().mapToLong(SyncMessage::samples).sum();
        if (total == 0 || contributions.size() == 1) {
            return vector.apply(contributions.get(0));
        }
        double[] sum = null;
        for (SyncMessage contribution : contributions) {
            if (contribution.samples() == 0) {
                continue;
            }
            float[] values = vector.apply(contribution);
            if (sum == null) {
                sum = new double[values.length];
            }
            if (values.length != sum.length) {
                throw new IllegalStateException("member " + contribution.member() + " contributed " + values.length
                        + " values, not " + sum.length);
            }
            double weight = contribution.samples();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += weight * values[i];
            }
        }
        float[] average = new float[sum.length];
        for (int i = 0; i < sum.length; i++) {
            average[i] = (float) (sum[i] / total);
        }
        return average;
    }

    /** The round contributions are taken for now. */
    long openRound() {
        return closedRound + 1;
    }

    /** Whether someone contributed to the open round (the others should join it). */
    boolean roundUnderWay() {
        return !open.isEmpty();
    }

    boolean contributedToOpenRound(String member) {
        return open.stream().anyMatch(m -> m.member().equals(member));
    }

    long closedRound() {
        return closedRound;
    }

    int epoch() {
        return epoch;
    }

    long steps() {
        return steps;
    }

    long samples() {
        return samples;
    }

    /** The next offset to train per partition in this epoch (absent: from the beginning of the topic). */
    Map<Integer, Long> offsets() {
        Map<Integer, Long> next = new HashMap<>(segmentStart);
        next.putAll(offsets);
        return Map.copyOf(next);
    }

    int segment() {
        return segment;
    }

    Map<Integer, Long> segmentStart() {
        return Map.copyOf(segmentStart);
    }

    List<Integer> finished() {
        return List.copyOf(finished);
    }

    Lineage lineage() {
        return lineage;
    }

    /** The latest closed round seen, or null before any. */
    Result last() {
        return last;
    }
}
