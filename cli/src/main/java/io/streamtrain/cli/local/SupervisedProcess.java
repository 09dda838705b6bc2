package io.streamtrain.cli.local;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One process the supervisor keeps alive. In: its {@link ManagedProcess} and a readiness probe; a check on every
 * supervisor tick. Out: what happened, in words (died and why, restarted, ready), its restart count, whether it is
 * ready, the latest reason it died. A dead process is restarted with the same command (same port, same data) after
 * its {@link Backoff}; it is never given up on.
 */
final class SupervisedProcess {

    /** Says whether the process serves; may block briefly (a connection with a short timeout). */
    interface Probe {
        boolean ready() throws InterruptedException;
    }

    /** How often a process that is ready is probed again. */
    private static final long REPROBE_MILLIS = 5_000;

    private final String name;
    private final int port;
    private final Probe probe;
    /** Free bytes on the work directory's disk: a process that could not even log why it died ran out of it. */
    private final java.util.function.LongSupplier diskFree;
    private final Backoff backoff = new Backoff();
    private ManagedProcess process;
    private int restarts;
    private long restartAt = -1;
    private boolean ready;
    private long probedAt;
    private String problem;
    /** Where the log stood when the process started: the reason it dies is written after it. */
    private long logStart;

    SupervisedProcess(String name, int port, ManagedProcess process, Probe probe, java.util.function.LongSupplier
            diskFree, long nowMillis) {
        this.diskFree = diskFree;
        this.name = name;
        this.port = port;
        this.process = process;
        this.probe = probe;
        this.logStart = process.logStartedAt();
        backoff.started(nowMillis);
    }

    /** One supervision step; returns what changed, in words (empty when nothing did). */
    List<String> check(long now) throws InterruptedException {
        List<String> events = new ArrayList<>();
        if (restartAt >= 0) {
            if (now >= restartAt) {
                restart(now, events);
            }
            return events;
        }
        if (!process.alive()) {
            ready = false;
            String reason = FailureReason.of(process.exitCode(), process.logSince(logStart, 40), diskFree.getAsLong());
            problem = reason;
            restartAt = backoff.died(now);
            String line = String.format(Locale.ROOT, "%s (pid %d) exited with code %d: %s; restart %d in %d s",
                    name, process.pid(), process.exitCode(), reason, restarts + 1, backoff.delayMillis() / 1000);
            events.add(FailureReason.diskFull(reason) ? "!!! " + line + " !!! free space in the work directory" : line);
            return events;
        }
        if (!ready || now - probedAt >= REPROBE_MILLIS) {
            boolean was = ready;
            ready = probe.ready();
            probedAt = now;
            if (ready != was) {
                events.add(name + (ready ? " ready (pid " + process.pid() + ", port " + port + ")"
                        : " no longer ready (pid " + process.pid() + ")"));
            }
        }
        return events;
    }

    private void restart(long now, List<String> events) {
        try {
            process = process.restart();
            logStart = process.logStartedAt();
            restarts++;
            restartAt = -1;
            backoff.started(now);
            events.add(name + " restarted (restart " + restarts + "), pid " + process.pid());
        } catch (IOException e) {
            problem = "cannot start: " + e.getMessage();
            restartAt = backoff.died(now);
            events.add(name + " " + problem + "; next try in " + backoff.delayMillis() / 1000 + " s");
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    int restarts() {
        return restarts;
    }

    boolean ready() {
        return ready;
    }

    String problem() {
        return problem;
    }

    ManagedProcess process() {
        return process;
    }

    /** A probe for a process that serves once it listens on {@code port} (the broker). */
    static boolean listening(int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Asks the process to stop (SIGTERM) without waiting; it will not be restarted. */
    void requestStop() {
        restartAt = Long.MAX_VALUE;
        process.requestStop();
    }

    /** Stops the process (SIGTERM, then SIGKILL) and removes its pid file. */
    void close() {
        restartAt = Long.MAX_VALUE;
        process.close();
    }
}
