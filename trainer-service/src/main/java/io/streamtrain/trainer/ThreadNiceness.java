package io.streamtrain.trainer;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Raises the nice value of the calling thread, so that the scheduler prefers the other threads of the machine
 * when they compete for a core. In: a nice value (0 to 19). Out: whether it took. Only on Linux, where the nice
 * value belongs to a thread ({@code setpriority(PRIO_PROCESS, 0, n)} changes the calling thread alone); raising
 * it needs no privilege. Elsewhere, or when libc cannot be reached, nothing changes.
 */
final class ThreadNiceness {

    private static final int PRIO_PROCESS = 0;

    private ThreadNiceness() {
    }

    /** The libc calls used. */
    private interface CLibrary extends Library {
        int setpriority(int which, int who, int prio);
    }

    /** {@code niceness} when a thread may lower itself to it (0 to 19); else IllegalArgumentException naming it. */
    static int requireValid(int niceness, String what) {
        if (niceness < 0 || niceness > 19) {
            throw new IllegalArgumentException(what + " must be 0 to 19, not " + niceness);
        }
        return niceness;
    }

    /** Sets the calling thread's nice value; false when the platform does not allow it. */
    static boolean setForCurrentThread(int niceness) {
        requireValid(niceness, "a nice value this thread may take");
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            CLibrary c = Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
            return c.setpriority(PRIO_PROCESS, 0, niceness) == 0;
        } catch (LinkageError e) {
            return false;
        }
    }
}
