package io.streamtrain.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The pid files of a work directory ({@code pids/<name>.pid}) and the processes they name. In: the work
 * directory. Out: the live processes that still belong to it (a java process whose command line names the
 * directory, or that started before its pid file was written: pids get reused); stopping them (SIGTERM, then
 * SIGKILL after a grace period) and removing stale pid files.
 */
public final class PidFiles {

    /** A process started this long after its pid file was written is not the one the file names. */
    private static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

    private final WorkDir workdir;

    public PidFiles(WorkDir workdir) {
        this.workdir = workdir;
    }

    public void write(String name, long pid) throws IOException {
        Files.createDirectories(workdir.pids());
        Files.writeString(workdir.pids().resolve(name + ".pid"), pid + System.lineSeparator());
    }

    /** The live process a pid file names, if it still belongs to this work directory. */
    public Optional<ProcessHandle> live(String name) {
        Path file = workdir.pids().resolve(name + ".pid");
        try {
            long pid = Long.parseLong(Files.readString(file).strip());
            Instant written = Files.getLastModifiedTime(file).toInstant();
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> belongs(p, written));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Every live process of the work directory, by pid file name. */
    public Map<String, ProcessHandle> allLive() throws IOException {
        Map<String, ProcessHandle> live = new TreeMap<>();
        for (String name : names()) {
            live(name).ifPresent(p -> live.put(name, p));
        }
        return live;
    }

    /**
     * Stops the given processes: SIGTERM to all, SIGKILL to those still alive after {@code grace}; waits until they
     * are gone.
     */
    public static void stop(List<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle process : processes) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                process.onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (Exception stillAlive) {
                process.destroyForcibly();
                try {
                    process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    // Reported by the caller, which finds it alive.
                }
            }
        }
    }

    /** Removes the pid files whose process is gone (or is no longer this work directory's); returns their names. */
    public List<String> removeStale() throws IOException {
        List<String> removed = new ArrayList<>();
        for (String name : names()) {
            if (live(name).isEmpty()) {
                Files.deleteIfExists(workdir.pids().resolve(name + ".pid"));
                removed.add(name);
            }
        }
        return removed;
    }

    private List<String> names() throws IOException {
        if (!Files.isDirectory(workdir.pids())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(workdir.pids())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".pid"))
                    .map(f -> f.substring(0, f.length() - 4)).sorted().toList();
        }
    }

    private boolean belongs(ProcessHandle process, Instant pidFileWritten) {
        ProcessHandle.Info info = process.info();
        boolean java = info.command().map(c -> Path.of(c).getFileName().toString().startsWith("java"))
                .orElse(false);
        if (!java) {
            return false;
        }
        String root = workdir.root().toString();
        boolean namesWorkdir = info.arguments().map(args -> Stream.of(args).anyMatch(a -> a.contains(root)))
                .orElse(false);
        boolean startedBefore = info.startInstant().map(s -> !s.isAfter(pidFileWritten.plus(CLOCK_SLACK)))
                .orElse(false);
        return namesWorkdir || startedBefore;
    }
}
