package io.streamtrain.cli;

import io.streamtrain.cli.local.PidFiles;
import io.streamtrain.cli.local.WorkDir;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain down}: stops what {@code up} started in a work directory. In: the work directory's pid files.
 * Out: the supervisor stopped (SIGTERM: it stops the services and the broker), then whatever its pid files still
 * name that belongs to the directory (SIGTERM, SIGKILL after the grace period), stale pid files and endpoints.json
 * removed. The data (broker, checkpoints) stays: the next {@code up} continues from it.
 */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the broker and services that up started in a work directory (its data stays).",
        footer = {"", "Examples:",
                "  ./streamtrain down                            # the bundled spec's streamtrain-work/shuttle",
                "  ./streamtrain down --workdir streamtrain-work/my-pipeline",
                "", "Exit codes: 0 stopped (or nothing was running), 1 a process would not stop, 2 bad usage."})
public final class DownCommand implements Callable<Integer> {

    /** How long the supervisor gets to stop the services and the broker before it is killed. */
    private static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(90);

    @Mixin
    WorkDirOption where;

    @Option(names = "--grace", defaultValue = "PT20S", description = "How long a leftover process gets after "
            + "SIGTERM before SIGKILL (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() {
        try {
            WorkDir work = where.workDir();
            if (!Files.isDirectory(work.root())) {
                System.out.println("nothing was running in " + work.root());
                return ExitCodes.OK;
            }
            PidFiles pids = new PidFiles(work);
            boolean stoppedSomething = false;
            Optional<ProcessHandle> supervisor = pids.live("supervisor");
            if (supervisor.isPresent()) {
                System.out.println("stopping the supervisor (pid " + supervisor.get().pid() + "), which stops the"
                        + " services and the broker ...");
                PidFiles.stop(List.of(supervisor.get()), SUPERVISOR_GRACE);
                stoppedSomething = true;
            }
            Map<String, ProcessHandle> left = pids.allLive();
            if (!left.isEmpty()) {
                System.out.println("stopping " + left.keySet() + " (pids " + left.values().stream()
                        .map(p -> Long.toString(p.pid())).toList() + ") ...");
                PidFiles.stop(List.copyOf(left.values()), grace);
                stoppedSomething = true;
            }
            Map<String, ProcessHandle> alive = pids.allLive();
            if (!alive.isEmpty()) {
                System.err.println("streamtrain down: still alive: " + alive);
                return ExitCodes.FAILED;
            }
            pids.removeStale();
            Files.deleteIfExists(work.endpoints());
            System.out.println(stoppedSomething ? "stopped everything in " + work.root()
                    : "nothing was running in " + work.root());
            return ExitCodes.OK;
        } catch (CliException e) {
            System.err.println("streamtrain down: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            System.err.println("streamtrain down: " + e);
            return ExitCodes.FAILED;
        }
    }
}
