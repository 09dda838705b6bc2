package io.streamtrain.cli.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process this CLI started and must stop: its output goes to a log file and its pid to a pid file.
 * Stopping asks politely (SIGTERM) and then forces.
 */
public final class ManagedProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final Path pidFile;
    private final List<String> command;
    private final Map<String, String> environment;
    private final Path workdir;
    private final long logStartedAt;

    private ManagedProcess(String name, Process process, Path log, Path pidFile, List<String> command,
                           Map<String, String> environment, Path workdir, long logStartedAt) {
        this.name = name;
        this.logStartedAt = logStartedAt;
        this.process = process;
        this.log = log;
        this.pidFile = pidFile;
        this.command = command;
        this.environment = environment;
        this.workdir = workdir;
    }

    /** Starts the same command again (its log continues in the same file); for a process that has died. */
    public ManagedProcess restart() throws IOException {
        return start(name, command, environment, workdir);
    }

    public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
                                       Path workdir) throws IOException {
        Path logs = Files.createDirectories(workdir.resolve("logs"));
        Path pids = Files.createDirectories(workdir.resolve("pids"));
        Path log = logs.resolve(name + ".log");
        long logStartedAt = Files.isRegularFile(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Path pidFile = pids.resolve(name + ".pid");
        Files.writeString(pidFile, Long.toString(process.pid()) + System.lineSeparator());
        return new ManagedProcess(name, process, log, pidFile, List.copyOf(command), Map.copyOf(environment), workdir,
                logStartedAt);
    }

    /** The command that starts a Java program with this JVM's java binary. */
    public static List<String> java(List<String> arguments) {
        Path binary = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>();
        command.add(binary.toString());
        command.addAll(arguments);
        return command;
    }

    /**
     * This JVM's class path with absolute entries, for a child started in another directory (the CLI started as
     * {@code java -jar cli/target/streamtrain-cli.jar} has a relative one).
     */
    public static String classPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(entry -> !entry.isEmpty())
                .map(entry -> Path.of(entry).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not finish within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** The last lines of the process's log, to show when it failed. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** The size of the log when this process started (the log is shared by its restarts). */
    public long logStartedAt() {
        return logStartedAt;
    }

    /** The last lines the process logged after {@code offset} (bytes into its log). */
    public String logSince(long offset, int lines) {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long from = Math.max(offset, file.length() - 256 * 1024);
            byte[] bytes = new byte[(int) Math.max(0, file.length() - from)];
            file.seek(from);
            file.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Kills the process at once (SIGKILL, as kill -9) and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Sends SIGTERM without waiting, so several processes can stop at once. */
    public void requestStop() {
        process.destroy();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            // The pid file is only informative.
        }
    }
}
