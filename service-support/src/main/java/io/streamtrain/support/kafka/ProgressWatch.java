package io.streamtrain.support.kafka;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Whether a service's loop keeps up with its input. In: from the loop, each time it got something done
 * ({@link #progressed}) and how many messages wait for it ({@link #waiting}, a shrinking backlog counting as
 * progress). Out: a reason when messages have been
 * waiting for longer than the limit without any progress (a stalled loop, a dead thread, a lost partition), else
 * null. An idle service (nothing waits) is never stalled, and a backlog that just arrived is given the whole limit.
 */
public final class ProgressWatch {

    /** How long a backlog may go without progress before the service reports not ready. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private final LongSupplier nanoClock;
    private final String input;
    private volatile long lastProgress;
    private volatile long waitingSince;
    private volatile long waiting;

    public ProgressWatch(String input) {
        this(input, System::nanoTime);
    }

    ProgressWatch(String input, LongSupplier nanoClock) {
        this.input = input;
        this.nanoClock = nanoClock;
        this.lastProgress = nanoClock.getAsLong();
    }

    /** The loop got something done (messages read and handled, a step trained). */
    public void progressed() {
        lastProgress = nanoClock.getAsLong();
    }

    /** How many messages wait for the loop now; a backlog that shrinks is progress too. */
    public void waiting(long messages) {
        if (messages > 0 && waiting <= 0) {
            waitingSince = nanoClock.getAsLong();
        } else if (messages < waiting) {
            progressed();
        }
        waiting = messages;
    }

    /** The same, for what waits on the partitions assigned to {@code consumer} (after a poll). */
    public void waitingOn(org.apache.kafka.clients.consumer.KafkaConsumer<?, ?> consumer) {
        long lag = 0;
        for (org.apache.kafka.common.TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        waiting(lag);
    }

    /** Why the service is stalled, or null when it keeps up (or has nothing to do). */
    public String stalled() {
        return stalled(LIMIT);
    }

    String stalled(Duration limit) {
        long backlog = waiting;
        if (backlog <= 0) {
            return null;
        }
        long quiet = nanoClock.getAsLong() - Math.max(lastProgress, waitingSince);
        if (quiet <= limit.toNanos()) {
            return null;
        }
        return String.format(Locale.ROOT, "no progress for %d s while %,d messages wait on %s", quiet / 1_000_000_000L,
                backlog, input);
    }
}
