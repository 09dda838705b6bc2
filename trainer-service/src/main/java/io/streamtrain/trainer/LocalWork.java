package io.streamtrain.trainer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a member of a group of trainers trained since its last contribution: the batches in order, the next offset
 * of each partition it read, the partitions that delivered their end-of-data marker, the samples and the loss.
 */
final class LocalWork {

    final List<String> batchIds = new ArrayList<>();
    final Map<Integer, Long> offsets = new HashMap<>();
    final Set<Integer> finished = new LinkedHashSet<>();
    long samples;
    double lossSum;

    void read(int partition, long offset) {
        offsets.put(partition, offset + 1);
    }

    void trained(String batchId, int rows, float loss) {
        batchIds.add(batchId);
        samples += rows;
        lossSum += loss;
    }

    /** The mean loss of the steps taken, NaN when none. */
    double meanLoss() {
        return batchIds.isEmpty() ? Double.NaN : lossSum / batchIds.size();
    }

    boolean empty() {
        return batchIds.isEmpty() && offsets.isEmpty() && finished.isEmpty();
    }

    void clear() {
        batchIds.clear();
        offsets.clear();
        finished.clear();
        samples = 0;
        lossSum = 0;
    }
}
