package io.streamtrain.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks on a finished demo run for the end-to-end tests. In: the demo's exit code and its work directory. Out: an
 * assertion that fails with the end of every service's log, so that a failed run in CI says why it failed.
 */
final class DemoRuns {

    private static final int TAIL_LINES = 30;

    private DemoRuns() {
    }

    static void assertSucceeded(int exit, Path workdir) throws IOException {
        if (exit != 0) {
            assertThat(exit).as("the demo's exit code; the end of each service's log:%n%s", logTails(workdir))
                    .isZero();
        }
    }

    /** The checkpoint directories of a pipeline the demo's trainer wrote (under its run's directory). */
    static List<Path> checkpoints(Path workdir, String pipeline) throws IOException {
        Path dir = workdir.resolve("checkpoints").resolve(pipeline);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Path> found = new java.util.ArrayList<>();
        try (Stream<Path> runs = Files.list(dir)) {
            for (Path run : runs.filter(d -> Files.isDirectory(d) && !d.getFileName().toString().startsWith("."))
                    .toList()) {
                try (Stream<Path> checkpoints = Files.list(run)) {
                    checkpoints.filter(d -> !d.getFileName().toString().startsWith(".")).forEach(found::add);
                }
            }
        }
        return found;
    }

    static String logTails(Path workdir) throws IOException {
        Path logs = workdir.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return "(no logs in " + workdir + ")";
        }
        StringBuilder out = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path log : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1);
                out.append("--- ").append(log).append(System.lineSeparator());
                lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size())
                        .forEach(line -> out.append(line).append(System.lineSeparator()));
            }
        }
        return out.toString();
    }
}
