package io.streamtrain.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The supervisor's rules without processes: restart delays, and the reason a process died read from its log. */
class SupervisionRulesTest {

    @Test
    void restartsWaitOneSecondDoublingUpToAMinuteAndStartOverAfterAStableMinute() {
        Backoff backoff = new Backoff();
        backoff.started(0);
        long now = 0;
        long[] delays = new long[9];
        for (int i = 0; i < delays.length; i++) {
            long at = backoff.died(now);
            delays[i] = at - now;
            now = at + 100;
            backoff.started(now);
        }
        assertThat(delays).containsExactly(1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000);
        now += Backoff.STABLE.toMillis();
        assertThat(backoff.died(now) - now).as("after a minute up").isEqualTo(1_000);
    }

    @Test
    void aFullDiskIsNamedFirstThenASignalThenTheLastErrorThenTheExitCode() {
        String diskFull = String.join("\n", "12:00:01.000 INFO [KafkaRaftServer] started",
                "12:00:09.000 ERROR [LogDirFailureChannel] Error while appending records to streamtrain.records.v1-0",
                "java.io.IOException: No space left on device",
                "12:00:09.100 ERROR [ReplicaManager] Shutdown broker because all log dirs in /w/kafka/data failed");
        String reason = FailureReason.of(1, diskFull, Long.MAX_VALUE);
        assertThat(reason).startsWith("No space left on device: java.io.IOException");
        assertThat(FailureReason.diskFull(reason)).isTrue();
        assertThat(FailureReason.of(137, diskFull, Long.MAX_VALUE)).as("a full disk even when killed")
                .isEqualTo(reason);
        assertThat(FailureReason.of(137, "12:00:01 INFO started", Long.MAX_VALUE)).isEqualTo("killed by signal 9");
        assertThat(FailureReason.of(1, "started\n12:00:02 ERROR [x] cannot bind\nshutting down", Long.MAX_VALUE))
                .isEqualTo("12:00:02 ERROR [x] cannot bind");
        assertThat(FailureReason.of(3, "all is well", Long.MAX_VALUE)).isEqualTo("exited with code 3");
        assertThat(FailureReason.diskFull("killed by signal 9")).isFalse();
        String unlogged = FailureReason.of(1, "", 4096);
        assertThat(unlogged).as("no room left to log why").startsWith("No space left on device: 4 KB free");
        assertThat(FailureReason.diskFull(unlogged)).isTrue();
    }
}
