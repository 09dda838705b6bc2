package io.streamtrain.support.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressWatchTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final ProgressWatch watch = new ProgressWatch("streamtrain.records.v1", now::get);

    private void seconds(long seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    @Test
    void aBacklogWithoutProgressForLongerThanTheLimitIsAStall() {
        watch.waiting(500);
        seconds(29);
        assertThat(watch.stalled()).isNull();
        seconds(2);
        assertThat(watch.stalled()).isEqualTo("no progress for 31 s while 500 messages wait on streamtrain.records.v1");
        watch.progressed();
        assertThat(watch.stalled()).as("progress again").isNull();
    }

    @Test
    void anIdleServiceIsNeverStalledAndANewBacklogGetsTheWholeLimit() {
        seconds(3600);
        assertThat(watch.stalled()).as("idle for an hour").isNull();
        watch.waiting(10);
        seconds(20);
        assertThat(watch.stalled()).as("a backlog that arrived 20 s ago").isNull();
        watch.waiting(12);
        seconds(11);
        assertThat(watch.stalled()).as("a backlog that grew, 31 s").startsWith("no progress for 31 s");
        watch.waiting(11);
        assertThat(watch.stalled()).as("a backlog that shrinks is progress").isNull();
        seconds(31);
        assertThat(watch.stalled()).startsWith("no progress for 31 s while 11 messages");
        watch.waiting(0);
        assertThat(watch.stalled()).isNull();
    }
}
