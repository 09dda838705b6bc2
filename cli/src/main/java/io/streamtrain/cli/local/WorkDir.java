package io.streamtrain.cli.local;

import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.UUID;

/**
 * The work directory of a pipeline kept running by {@code up}: where its files are. In: the directory. Out: the
 * paths of its endpoints, pids, logs and checkpoints; its run id (made on the first {@code up}, kept across down and
 * up); the number of trainers wanted ({@code desired.json}, written by {@code up} and {@code scale}, read by the
 * supervisor).
 */
public record WorkDir(Path root) {

    public WorkDir {
        root = root.toAbsolutePath().normalize();
    }

    /** {@code streamtrain-work/<pipeline>}: the work directory when none is given. */
    public static WorkDir defaultFor(String pipeline) {
        return new WorkDir(Path.of("streamtrain-work", pipeline));
    }

    public Path endpoints() {
        return root.resolve("endpoints.json");
    }

    public Path desired() {
        return root.resolve("desired.json");
    }

    public Path pids() {
        return root.resolve("pids");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path supervisorLog() {
        return logs().resolve("supervisor.log");
    }

    public Path checkpoints() {
        return root.resolve("checkpoints");
    }

    /** The run id of this work directory, made (and kept in {@code run-id}) on first use. */
    public String runId() throws IOException {
        Path file = root.resolve("run-id");
        if (Files.isRegularFile(file)) {
            String id = Files.readString(file).strip();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = "run-" + UUID.randomUUID().toString().substring(0, 8);
        writeAtomically(file, id + System.lineSeparator());
        return id;
    }

    /** Starts a new run in this work directory: a new run id from now on. */
    public String newRunId() throws IOException {
        Files.deleteIfExists(root.resolve("run-id"));
        return runId();
    }

    /** Whether a run that has not started reading the ingest topic yet reads it from the beginning (else its end). */
    public void writeRunStart(boolean fromBeginning) throws IOException {
        writeAtomically(root.resolve("run-start"), (fromBeginning ? "beginning" : "end") + System.lineSeparator());
    }

    public boolean runStartsFromBeginning() throws IOException {
        Path file = root.resolve("run-start");
        return Files.isRegularFile(file) && Files.readString(file).strip().equals("beginning");
    }

    /** How many trainers are wanted; {@code fallback} when nobody said. */
    public int desiredTrainers(int fallback) {
        try {
            if (Files.isRegularFile(desired())) {
                return EventCodec.mapper().readTree(desired().toFile()).path("trainers").asInt(fallback);
            }
        } catch (IOException e) {
            // Half-written or edited by hand: keep what runs.
        }
        return fallback;
    }

    public void writeDesiredTrainers(int trainers) throws IOException {
        writeAtomically(desired(), EventCodec.toJson(Map.of("trainers", trainers)) + System.lineSeparator());
    }

    /** Writes through a temporary file and a move, so that readers see the old content or the new, never half. */
    static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
