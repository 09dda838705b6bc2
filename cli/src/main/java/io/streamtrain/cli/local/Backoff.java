package io.streamtrain.cli.local;

import java.time.Duration;

/**
 * When a supervised process that died may be started again. In: its starts and deaths (times in milliseconds).
 * Out: the time of the next restart: 1 s after a first death, doubling with each further death up to 60 s, never
 * giving up; a process that stayed up for a minute starts over at 1 s.
 */
public final class Backoff {

    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(60);
    /** A process alive this long counts as healthy again: its next death waits {@link #FIRST} only. */
    static final Duration STABLE = Duration.ofSeconds(60);

    private int deaths;
    private long startedAt;

    public void started(long nowMillis) {
        startedAt = nowMillis;
    }

    /** Records a death; returns when the process may be started again. */
    public long died(long nowMillis) {
        if (nowMillis - startedAt >= STABLE.toMillis()) {
            deaths = 0;
        }
        deaths++;
        return nowMillis + delayMillis();
    }

    /** The wait after the deaths in a row so far. */
    public long delayMillis() {
        if (deaths == 0) {
            return 0;
        }
        long delay = FIRST.toMillis() << Math.min(deaths - 1, 20);
        return Math.min(delay, MAX.toMillis());
    }
}
