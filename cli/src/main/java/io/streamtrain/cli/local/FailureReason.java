package io.streamtrain.cli.local;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Why a local process stopped, in one line, and whether the disk is about to stop it. In: the end of its log, the
 * work directory's file store. Out: the first known cause found (a full disk first of all: it stops every process
 * in turn), else the last error line; and a warning when the disk holding the work directory is nearly full.
 */
public final class FailureReason {

    /** Below this much free space in the work directory's file store, the supervisor warns at every check. */
    public static final long LOW_DISK_BYTES = 1L << 30;
    /** ... or below this share of the file store. */
    public static final double LOW_DISK_SHARE = 0.02;

    /** Less free space than this in the work directory counts as a full disk. */
    static final long FULL_DISK_BYTES = 16L << 20;

    private static final List<String> KNOWN = List.of("No space left on device", "Disk quota exceeded",
            "OutOfMemoryError", "Address already in use", "Too many open files", "Read-only file system",
            "Permission denied");

    private FailureReason() {
    }

    /**
     * Why a process ended, from its exit code, what it logged since it started and the free space of the work
     * directory: a known cause (a full disk) wherever it appears, else a full disk now, else a signal, else the
     * last error line, else the exit code.
     */
    public static String of(int exitCode, String logSinceStart, long diskFreeBytes) {
        String known = known(logSinceStart);
        if (known != null) {
            return known;
        }
        if (diskFreeBytes < FULL_DISK_BYTES) {
            return String.format(Locale.ROOT, "No space left on device: %,d KB free in the work directory (the"
                    + " process may not even have logged why it stopped)", diskFreeBytes >> 10);
        }
        if (exitCode > 128) {
            return "killed by signal " + (exitCode - 128);
        }
        String error = lastError(logSinceStart);
        return error != null ? error : "exited with code " + exitCode;
    }

    /** The known cause named in a log, or null when it names none. */
    static String known(String tail) {
        String[] lines = tail.split("\\R");
        for (String cause : KNOWN) {
            for (int i = lines.length - 1; i >= 0; i--) {
                if (lines[i].contains(cause)) {
                    return cause + ": " + lines[i].strip();
                }
            }
        }
        return null;
    }

    private static String lastError(String tail) {
        String[] lines = tail.split("\\R");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i];
            if (line.contains("ERROR") || line.contains("FATAL") || line.contains("Exception")) {
                return line.strip();
            }
        }
        return null;
    }

    /** True when the reason is a full disk, which the supervisor reports loudly. */
    public static boolean diskFull(String reason) {
        return reason != null && (reason.startsWith("No space left on device") || reason.startsWith("Disk quota"));
    }

    /** A warning when the file store of {@code dir} is nearly full, else null. */
    public static String lowDisk(Path dir) {
        try {
            FileStore store = Files.getFileStore(dir);
            long free = store.getUsableSpace();
            long total = store.getTotalSpace();
            if (free < LOW_DISK_BYTES || (total > 0 && (double) free / total < LOW_DISK_SHARE)) {
                return String.format(Locale.ROOT, "DISK NEARLY FULL: %s has %,d MB free of %,d MB; the broker and"
                        + " the trainer stop when it is full", dir, free >> 20, total >> 20);
            }
            return null;
        } catch (IOException e) {
            return "cannot read the free space of " + dir + ": " + e.getMessage();
        }
    }
}
