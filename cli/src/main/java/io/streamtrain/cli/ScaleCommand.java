package io.streamtrain.cli;

import io.streamtrain.cli.local.Endpoints;
import io.streamtrain.cli.local.LocalServices;
import io.streamtrain.cli.local.PidFiles;
import io.streamtrain.cli.local.WorkDir;
import io.streamtrain.contracts.Topics;
import io.streamtrain.pipeline.spec.PipelineSpec;
import io.streamtrain.pipeline.spec.SpecException;
import io.streamtrain.pipeline.spec.SpecLoader;
import io.streamtrain.support.kafka.KafkaSettings;
import io.streamtrain.support.kafka.TopicAdmin;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code streamtrain scale trainer N}: changes the number of trainer processes of a running {@code up}. In: the
 * work directory's endpoints.json (the spec, the broker). Out: the train batch topic with at least N partitions,
 * {@code desired.json} saying N (the supervisor starts or stops trainers to match), and, once the supervisor has
 * done so and the trainers are ready, their addresses.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Add or remove trainer processes of a pipeline kept running by up.",
        footer = {"", "Examples:",
                "  ./streamtrain scale trainer 2 --workdir streamtrain-work/my-pipeline",
                "", "More than one trainer needs train.sync in the spec (they average their parameters).",
                "Exit codes: 0 scaled, 1 nothing runs there or the trainers were not ready in time, 2 bad usage."})
public final class ScaleCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "What to scale: trainer.")
    String what;

    @Parameters(index = "1", description = "How many trainer processes.")
    int count;

    @Mixin
    WorkDirOption where;

    @Option(names = "--timeout", defaultValue = "PT5M", description = "How long to wait for the trainers "
            + "(ISO-8601, default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        try {
            return run();
        } catch (CliException e) {
            System.err.println("streamtrain scale: " + e.getMessage());
            return e.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.FAILED;
        } catch (Exception e) {
            System.err.println("streamtrain scale: " + e);
            return ExitCodes.FAILED;
        }
    }

    private int run() throws Exception {
        if (!what.equals("trainer") && !what.equals("trainers")) {
            throw new CliException(ExitCodes.USAGE, "only trainers scale: ./streamtrain scale trainer N");
        }
        if (count < 1) {
            throw new CliException(ExitCodes.USAGE, "at least one trainer");
        }
        WorkDir work = where.workDir();
        Endpoints endpoints = Endpoints.read(work);
        PidFiles pids = new PidFiles(work);
        if (endpoints == null || pids.live("supervisor").isEmpty()) {
            throw new CliException(ExitCodes.FAILED, "nothing runs in " + work.root() + "; start it with"
                    + " ./streamtrain up --workdir " + work.root() + " --detach");
        }
        PipelineSpec pipeline;
        try {
            pipeline = SpecLoader.load(Path.of(endpoints.spec()));
        } catch (SpecException e) {
            throw new CliException(ExitCodes.USAGE, e.getMessage());
        }
        if (count > 1 && pipeline.train().sync() == null) {
            throw new CliException(ExitCodes.USAGE, count + " trainers need train.sync in the spec "
                    + endpoints.spec() + " (e.g. 'sync: {everySteps: 20}' under train:), so that they average"
                    + " their parameters");
        }
        KafkaSettings settings = endpoints.localBroker() ? new KafkaSettings(endpoints.bootstrapServers())
                : KafkaSettings.fromEnvironment(endpoints.bootstrapServers());
        int partitions = TopicAdmin.trainPartitionCount(settings);
        if (count > partitions) {
            // A group counts its partitions when it starts; adding some under a running group would split it.
            throw new CliException(ExitCodes.USAGE, Topics.BATCHES_TRAIN + " has " + partitions + " partitions: at most"
                    + " " + partitions + " trainers can share it. For more, give the topic more partitions while the"
                    + " pipeline is down (./streamtrain topics --kafka " + endpoints.bootstrapServers() + " --trainers "
                    + count + "), then up again");
        }
        work.writeDesiredTrainers(count);
        List<String> wanted = LocalServices.namesWithTrainers(count).stream()
                .filter(n -> LocalServices.serviceOf(n).equals("trainer-service")).toList();
        System.out.println("scaling to " + count + " trainer(s): " + String.join(", ", wanted) + " ...");
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Endpoints now = Endpoints.read(work);
            if (now != null && now.trainerNames().equals(wanted) && now.ready().containsAll(wanted)) {
                wanted.forEach(n -> System.out.printf("  %-20s %s%n", n, now.services().get(n)));
                return ExitCodes.OK;
            }
            if (pids.live("supervisor").isEmpty()) {
                throw new CliException(ExitCodes.FAILED, "the supervisor stopped; see " + work.supervisorLog());
            }
            if (System.nanoTime() > deadline) {
                throw new CliException(ExitCodes.FAILED, "the trainers were not ready within " + timeout.toSeconds()
                        + " s; see " + work.supervisorLog());
            }
            Thread.sleep(250);
        }
    }
}
