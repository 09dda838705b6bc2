package io.streamtrain.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The nice value reaches the calling thread alone, as the kernel reports it in {@code /proc/thread-self/stat}. */
class ThreadNicenessTest {

    @Test
    void raisesTheCallingThreadsNiceValueAndNoOtherThreads() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "Linux only");
        int before = niceOfCurrentThread();
        AtomicInteger seen = new AtomicInteger(-100);
        Thread thread = new Thread(() -> {
            if (ThreadNiceness.setForCurrentThread(12)) {
                seen.set(niceOfCurrentThread());
            }
        });
        thread.start();
        thread.join();
        assertThat(seen.get()).isEqualTo(12);
        assertThat(niceOfCurrentThread()).isEqualTo(before);
    }

    @Test
    void refusesValuesOutsideZeroToNineteen() {
        assertThatThrownBy(() -> ThreadNiceness.setForCurrentThread(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ThreadNiceness.setForCurrentThread(20)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Field 19 of the thread's stat line (the fields after the command name, which is in parentheses). */
    private static int niceOfCurrentThread() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(fields[16]);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
