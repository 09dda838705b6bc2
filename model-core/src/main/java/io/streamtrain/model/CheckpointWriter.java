package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes checkpoints under {@code <root>/<pipeline>/<checkpointId>/}. The files go to a fresh temporary
 * directory that is renamed into place, so a reader never sees a half-written checkpoint.
 */
public final class CheckpointWriter {

    private final Path root;

    public CheckpointWriter(Path root) {
        this.root = root;
    }

    /** Saves the session's parameters and the manifest; returns the final directory and the digest. */
    public Written write(TrainingSession session, CheckpointManifest manifest) throws IOException {
        Path pipelineDir = root.resolve(manifest.pipeline());
        Files.createDirectories(pipelineDir);
        Path target = pipelineDir.resolve(manifest.checkpointId());
        Path temporary = pipelineDir.resolve(".tmp-" + manifest.checkpointId() + "-" + System.nanoTime());
        Files.createDirectories(temporary);
        try {
            session.saveParameters(temporary);
            String digest = CheckpointFiles.sha256(CheckpointFiles.parameters(temporary));
            CheckpointManifest complete = new CheckpointManifest(manifest.schemaVersion(), manifest.pipeline(),
                    manifest.checkpointId(), manifest.epoch(), manifest.step(), manifest.samplesSeen(),
                    manifest.specHash(), digest, manifest.stats(), manifest.createdAt());
            Files.write(CheckpointFiles.manifest(temporary), EventCodec.toBytes(complete));
            if (Files.exists(target)) {
                deleteTree(target);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            return new Written(target, digest);
        } catch (IOException | RuntimeException e) {
            deleteTree(temporary);
            throw e;
        }
    }

    /** A checkpoint on disk: its directory and the SHA-256 of its parameter file. */
    public record Written(Path dir, String sha256) {
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
