package io.streamtrain.pipeline.ingest;

import io.streamtrain.pipeline.spec.BadRecordBudget;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bad-record budget of a pipeline that keeps running: how many of its last {@code size} records (10,000 by
 * default) were dead-lettered. In: each record's outcome by id, as the topics tell it (accepted onto the records
 * topic, dead-lettered by ingest, or dead-lettered later by preprocessing, which turns an accepted record bad).
 * Out: the bad records among the last ones, their share, and whether that is over the budget.
 */
public final class RecentBadRecords {

    /** How many recent records the running budget looks at. */
    public static final int DEFAULT_SIZE = 10_000;

    private final int size;
    private final Map<String, Boolean> outcomes = new LinkedHashMap<>();
    private long bad;

    public RecentBadRecords(int size) {
        this.size = size;
    }

    public RecentBadRecords() {
        this(DEFAULT_SIZE);
    }

    /** A record reached the records topic. */
    public synchronized void accepted(String id) {
        record(id, false);
    }

    /** A record was dead-lettered (a record accepted before and rejected now counts once, as bad). */
    public synchronized void rejected(String id) {
        record(id, true);
    }

    private void record(String id, boolean isBad) {
        Boolean before = outcomes.remove(id);
        if (before != null && before) {
            bad--;
        }
        outcomes.put(id, isBad);
        if (isBad) {
            bad++;
        }
        Iterator<Map.Entry<String, Boolean>> oldest = outcomes.entrySet().iterator();
        while (outcomes.size() > size) {
            if (oldest.next().getValue()) {
                bad--;
            }
            oldest.remove();
        }
    }

    /** The records looked at (at most the window's size). */
    public synchronized long records() {
        return outcomes.size();
    }

    public synchronized long bad() {
        return bad;
    }

    public synchronized double share() {
        return outcomes.isEmpty() ? 0 : (double) bad / outcomes.size();
    }

    public synchronized boolean over(BadRecordBudget budget) {
        return budget.exceeded(bad, outcomes.size());
    }
}
