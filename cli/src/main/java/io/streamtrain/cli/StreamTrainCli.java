package io.streamtrain.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./streamtrain} command line: runs pipelines locally and talks to running ones. */
@Command(name = "streamtrain", mixinStandardHelpOptions = true, version = "StreamTrain 0.1.0",
        description = "Continuous neural-network training on Kafka topics.",
        subcommands = {DemoCommand.class, UpCommand.class, DownCommand.class, ScaleCommand.class,
                SuperviseCommand.class, StatusCommand.class, WatchCommand.class, PublishCommand.class,
                PredictCommand.class, RejectedCommand.class, ReplayRejectedCommand.class,
                ReportCommand.class, SchemaCommand.class, SignCommand.class, TokenCommand.class, TopicsCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 the pipeline failed, 2 bad usage or input."})
public final class StreamTrainCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new StreamTrainCli()).execute(args);
    }
}
