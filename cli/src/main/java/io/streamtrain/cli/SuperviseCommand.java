package io.streamtrain.cli;

import io.streamtrain.cli.local.Supervisor;
import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain supervise} (hidden): the supervisor process that {@code up --detach} leaves running, detached
 * from the terminal. In: the spec, the work directory, a broker (or none: a local one). Out: the pipeline kept
 * running until SIGTERM ({@code down}), its events as timestamped lines on stdout (to
 * {@code <workdir>/logs/supervisor.log}).
 */
@Command(name = "supervise", hidden = true, description = "Keep a pipeline running (started by up --detach).")
public final class SuperviseCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Option(names = "--spec", required = true)
    Path spec;

    @Option(names = "--workdir", required = true)
    Path workdir;

    @Option(names = "--kafka")
    String kafka;

    @Override
    public Integer call() {
        try {
            Supervisor supervisor = new Supervisor(Home.locate(), new WorkDir(workdir), spec, SpecLoader.load(spec),
                    kafka, SuperviseCommand::log);
            SupervisorRun.run(supervisor, () -> {
            });
            return ExitCodes.OK;
        } catch (SpecException e) {
            log("cannot start: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (CliException e) {
            log("cannot start: " + e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            log("cannot start: " + e);
            return ExitCodes.FAILED;
        }
    }

    static void log(String line) {
        System.out.println(LocalDateTime.now().format(TIME) + " " + line);
        System.out.flush();
    }
}
