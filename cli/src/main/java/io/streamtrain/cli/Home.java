package io.streamtrain.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The StreamTrain installation: the repository root holding the built services. Given by the
 * {@code streamtrain.home} system property (the {@code ./streamtrain} script sets it), else found from the
 * working directory upwards.
 */
public record Home(Path root) {

    public static Home locate() {
        String configured = System.getProperty("streamtrain.home");
        if (configured != null) {
            return new Home(Path.of(configured).toAbsolutePath().normalize());
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("ingest-service")) && Files.isDirectory(dir.resolve("cli"))) {
                return new Home(dir);
            }
        }
        throw new CliException(ExitCodes.USAGE, "cannot find the StreamTrain installation; run ./streamtrain from "
                + "the repository or set -Dstreamtrain.home");
    }

    /** The packaged service: {@code <service>/target/quarkus-app/quarkus-run.jar}. */
    public Path serviceJar(String service) {
        return root.resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
    }

    public Path datasets() {
        return root.resolve("datasets");
    }
}
