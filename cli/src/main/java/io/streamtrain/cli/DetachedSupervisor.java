package io.streamtrain.cli;

import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.local.ManagedProcess;
import io.streamtrain.cli.local.PidFiles;
import io.streamtrain.cli.local.WorkDir;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts the supervisor of {@code up --detach} as a process of its own, outside the terminal's session (setsid),
 * so that closing the terminal or Ctrl-C does not reach it: this CLI's own class path, the hidden
 * {@code supervise} command, output appended to {@code <workdir>/logs/supervisor.log}. Then waits until every
 * process it runs is ready, passing on the log's new lines meanwhile. Out: its endpoints, or a failure with the end
 * of its log.
 */
final class DetachedSupervisor {

    private DetachedSupervisor() {
    }

    static Process launch(Home home, Path spec, WorkDir workdir, String kafka) throws IOException {
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid");
        }
        List<String> java = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC",
                "-Dstreamtrain.home=" + home.root(), "-cp", ManagedProcess.classPath(),
                StreamTrainCli.class.getName(), "supervise", "--spec", spec.toAbsolutePath().toString(),
                "--workdir", workdir.root().toString()));
        if (kafka != null) {
            java.addAll(List.of("--kafka", kafka));
        }
        command.addAll(ManagedProcess.java(java));
        Files.createDirectories(workdir.logs());
        return new ProcessBuilder(command)
                .directory(workdir.root().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workdir.supervisorLog().toFile()))
                .start();
    }

    /** Waits until the supervisor says every process is ready; shows its log lines meanwhile. */
    static Endpoints awaitReady(Process supervisor, WorkDir workdir, Duration timeout, Consumer<String> show)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long shown = Files.isRegularFile(workdir.supervisorLog()) ? Files.size(workdir.supervisorLog()) : 0;
        PidFiles pids = new PidFiles(workdir);
        while (true) {
            shown = showNewLines(workdir.supervisorLog(), shown, show);
            if (!supervisor.isAlive()) {
                throw new CliException(ExitCodes.FAILED, "the supervisor exited with code " + supervisor.exitValue()
                        + "; see " + workdir.supervisorLog());
            }
            Endpoints endpoints = Endpoints.read(workdir);
            if (endpoints != null && endpoints.allReady() && endpoints.supervisorPid() == supervisor.pid()
                    && pids.live("supervisor").isPresent()) {
                showNewLines(workdir.supervisorLog(), shown, show);
                return endpoints;
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.FAILED, "not every service was ready within " + timeout.toSeconds()
                        + " s; it keeps trying (see " + workdir.supervisorLog() + "; stop it with ./streamtrain down"
                        + " --workdir " + workdir.root() + ")");
            }
            Thread.sleep(250);
        }
    }

    private static long showNewLines(Path log, long from, Consumer<String> show) throws IOException {
        if (!Files.isRegularFile(log)) {
            return from;
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            if (file.length() <= from) {
                return from;
            }
            byte[] bytes = new byte[(int) Math.min(file.length() - from, 1 << 20)];
            file.seek(from);
            file.readFully(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return from;
            }
            text.substring(0, end).lines().forEach(show);
            return from + text.substring(0, end + 1).getBytes(StandardCharsets.UTF_8).length;
        }
    }
}
