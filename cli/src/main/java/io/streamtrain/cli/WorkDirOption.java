package io.streamtrain.cli;

import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --workdir DIR | --spec FILE} options of the commands that act on a pipeline kept running by
 * {@code up}. Out: the work directory: the one given, else {@code streamtrain-work/<pipeline>} of the spec (default
 * the bundled one), as {@code up} chose it.
 */
public final class WorkDirOption {

    @Option(names = "--workdir", description = "The work directory given to up. Default: "
            + "streamtrain-work/<pipeline> of --spec.")
    Path workdir;

    @Option(names = "--spec", description = "The pipeline spec given to up (to find its default work directory). "
            + "Default: the bundled demo's.")
    Path spec;

    public WorkDir workDir() {
        if (workdir != null) {
            return new WorkDir(workdir);
        }
        Path file = spec != null ? spec : Home.locate().datasets().resolve("shuttle/pipeline.yaml");
        try {
            return WorkDir.defaultFor(SpecLoader.load(file).pipeline());
        } catch (SpecException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
    }
}
