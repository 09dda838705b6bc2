package io.streamtrain.cli.terminal;

import java.io.PrintStream;

/**
 * Where the CLI writes as it goes: on a terminal, a status line redrawn in place; anywhere else (a pipe, a CI
 * log), plain lines, at most one per {@code plainEvery} nanoseconds, so logs stay readable. In: the lines to
 * show. Out: them, on standard output.
 */
public final class Terminal {

    private final PrintStream out;
    private final boolean interactive;
    private final long plainEvery;
    private long nextPlain;
    private boolean redrawn;

    public Terminal(PrintStream out, boolean interactive, long plainEveryNanos) {
        this.out = out;
        this.interactive = interactive;
        this.plainEvery = plainEveryNanos;
    }

    /** The terminal of this process: interactive when standard output is a console. */
    public static Terminal system(long plainEveryNanos) {
        return new Terminal(System.out, System.console() != null, plainEveryNanos);
    }

    public boolean interactive() {
        return interactive;
    }

    /** Shows a status line: redrawn in place, or printed when the last plain one is old enough. */
    public void status(String line) {
        if (interactive) {
            out.print("\r\033[K" + line);
            out.flush();
            redrawn = true;
        } else if (System.nanoTime() >= nextPlain) {
            out.println(line);
            nextPlain = System.nanoTime() + plainEvery;
        }
    }

    /** Prints a line of its own, above the status line. */
    public void line(String line) {
        clear();
        out.println(line);
    }

    /** Removes the status line, so that what follows starts on a clean line. */
    public void clear() {
        if (interactive && redrawn) {
            out.print("\r\033[K");
            out.flush();
            redrawn = false;
        }
    }

    /** A bar of {@code width} cells for a fraction between 0 and 1. */
    public static String bar(double fraction, int width) {
        int full = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
        return "[" + "#".repeat(full) + ".".repeat(width - full) + "]";
    }
}
