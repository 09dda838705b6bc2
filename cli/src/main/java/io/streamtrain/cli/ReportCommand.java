package io.streamtrain.cli;

import io.streamtrain.cli.run.RunPlots;
import io.streamtrain.cli.run.RunReport;
import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code streamtrain report RUN}: the plots of a finished run, drawn again from its report. In: a run's work
 * directory (its {@code report.json}) or a report file. Out: PNG plots in {@code plots/} next to the report, their
 * paths on standard output.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Draw the plots of a run (loss, validation metric, confusion matrix or predicted against "
                + "actual) next to its report.",
        footer = {"", "Examples:",
                "  ./streamtrain report streamtrain-work/shuttle-20261202-101500",
                "  ./streamtrain report my-report.json",
                "", "Exit codes: 0 plots written, 2 no readable report."})
public final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN", description = "A run's work directory or its report file (JSON).")
    Path run;

    @Override
    public Integer call() {
        Path report = Files.isDirectory(run) ? run.resolve("report.json") : run;
        if (!Files.isRegularFile(report)) {
            System.err.println("streamtrain report: no report at " + report);
            return ExitCodes.USAGE;
        }
        try {
            RunReport read = EventCodec.mapper().readValue(report.toFile(), RunReport.class);
            List<Path> plots = RunPlots.write(read, plotsDir(report));
            plots.forEach(System.out::println);
            return ExitCodes.OK;
        } catch (IOException | RuntimeException e) {
            System.err.println("streamtrain report: cannot draw the plots of " + report + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** Where the plots of a report go: {@code plots/} beside it. */
    static Path plotsDir(Path report) {
        Path parent = report.toAbsolutePath().getParent();
        return parent.resolve("plots");
    }
}
