package io.streamtrain.cli;

import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.local.FailureReason;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.PidFiles;
import io.streamtrain.cli.local.Supervisor;
import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamtrain up}: keeps a pipeline running locally for any Kafka client. In: the spec, a work directory, a
 * broker (or none: a local one), the number of trainers. Out: the broker and the four services, supervised
 * ({@link Supervisor}); in the foreground with a live status until Ctrl-C or SIGTERM, or, with {@code --detach},
 * by a supervisor process of its own once every service is ready; {@code <workdir>/endpoints.json} says where
 * they are.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start the pipeline's broker and services and keep them running (restarting what dies).",
        footer = {"", "Examples:",
                "  ./streamtrain up                                   # the bundled spec, in the foreground",
                "  ./streamtrain up --spec my.yaml --detach           # in the background; see endpoints.json",
                "  ./streamtrain up --kafka localhost:9092 --detach   # use a running broker",
                "", "Exit codes: 0 stopped by Ctrl-C or SIGTERM (--detach: every service is ready), 1 failed to start,",
                "2 bad usage or input, or a supervisor already runs in the work directory."})
public final class UpCommand implements Callable<Integer> {

    @Option(names = "--spec", description = "Pipeline spec (YAML). Default: the bundled demo's.")
    Path spec;

    @Option(names = "--workdir", description = "Directory for the broker's data, logs, pids, checkpoints and "
            + "endpoints.json. Default: streamtrain-work/<pipeline>.")
    Path workdir;

    @Option(names = "--kafka", description = "Bootstrap servers of a running broker (HOST:PORT). Default: "
            + "$KAFKA_BOOTSTRAP_SERVERS, else a local broker is started (and supervised) in the work directory.")
    String kafka;

    @Option(names = "--trainers", description = "trainer-service processes (default: as many as last time, else 1);"
            + " more than one needs train.sync in the spec.")
    Integer trainers;

    @Option(names = "--fresh", description = "Start a new run in the work directory: a new run id, so the services"
            + " keep nothing of the earlier run (its checkpoints, champion and batches stay, ignored).")
    boolean fresh;

    @Option(names = "--from-beginning", description = "A new run reads the ingest topic from its beginning, not from"
            + " its end offsets when the run starts.")
    boolean fromBeginning;

    @Option(names = "--detach", description = "Return once every service is ready, leaving a supervisor process "
            + "running (logs/supervisor.log); stop it with ./streamtrain down.")
    boolean detach;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "With --detach: how long to wait for every "
            + "service to be ready (ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (CliException e) {
            System.err.println("streamtrain up: " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        } catch (Exception e) {
            System.err.println("streamtrain up: " + e);
            return ExitCodes.FAILED;
        }
    }

    private int run() throws Exception {
        Home home = Home.locate();
        Path specFile = (spec != null ? spec : home.datasets().resolve("shuttle/pipeline.yaml")).toAbsolutePath();
        PipelineSpec pipeline;
        try {
            pipeline = SpecLoader.load(specFile);
        } catch (SpecException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        WorkDir work = workdir != null ? new WorkDir(workdir) : WorkDir.defaultFor(pipeline.pipeline());
        Files.createDirectories(work.root());
        PidFiles pids = new PidFiles(work);
        Optional<ProcessHandle> running = pids.live("supervisor");
        if (running.isPresent()) {
            throw new CliException(ExitCodes.USAGE, "a supervisor already runs in " + work.root() + " (pid "
                    + running.get().pid() + "); stop it first: ./streamtrain down --workdir " + work.root());
        }
        Map<String, ProcessHandle> leftovers = pids.allLive();
        if (!leftovers.isEmpty()) {
            throw new CliException(ExitCodes.USAGE, "processes of an earlier up still run in " + work.root() + " "
                    + leftovers.keySet() + "; stop them first: ./streamtrain down --workdir " + work.root());
        }
        pids.removeStale();
        int wanted = trainers != null ? trainers : work.desiredTrainers(1);
        if (wanted < 1) {
            throw new CliException(ExitCodes.USAGE, "--trainers must be at least 1");
        }
        if (wanted > 1 && pipeline.train().sync() == null) {
            throw new CliException(ExitCodes.USAGE, wanted + " trainers need train.sync in the spec (e.g. 'sync: "
                    + "{everySteps: 20}' under train:), so that the trainers average their parameters");
        }
        for (String service : LocalServices.NAMES) {
            if (!Files.isRegularFile(home.serviceJar(service))) {
                throw new CliException(ExitCodes.USAGE, service + " is not built (" + home.serviceJar(service)
                        + " is missing); run: mvn -DskipTests package");
            }
        }
        work.writeDesiredTrainers(wanted);
        if (fresh) {
            System.out.println("a new run: " + work.newRunId());
        }
        work.writeRunStart(fromBeginning);
        String bootstrap = kafka != null ? kafka : System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        bootstrap = bootstrap == null || bootstrap.isBlank() ? null : bootstrap;
        String lowDisk = FailureReason.lowDisk(work.root());
        if (lowDisk != null) {
            System.err.println("!!! " + lowDisk);
        }
        System.out.printf("StreamTrain up: pipeline '%s', %d trainer(s), work directory %s%n", pipeline.pipeline(),
                wanted, work.root());
        if (detach) {
            Process supervisor = DetachedSupervisor.launch(home, specFile, work, bootstrap);
            System.out.println("supervisor pid " + supervisor.pid() + ", log " + work.supervisorLog());
            Endpoints endpoints = DetachedSupervisor.awaitReady(supervisor, work, timeout,
                    line -> System.out.println("  " + line));
            endpoints.describe().forEach(System.out::println);
            System.out.println("endpoints: " + work.endpoints() + "; stop with ./streamtrain down --workdir "
                    + work.root());
            return ExitCodes.OK;
        }
        LiveStatus[] status = new LiveStatus[1];
        Supervisor supervisor = new Supervisor(home, work, specFile, pipeline, bootstrap,
                line -> status[0].event(line));
        try (LiveStatus live = new LiveStatus(pipeline, supervisor::endpoints, System.out)) {
            status[0] = live;
            SupervisorRun.run(supervisor, live::tick);
        }
        return ExitCodes.OK;
    }
}
