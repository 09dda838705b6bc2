package io.streamtrain.model;

import io.streamtrain.contracts.EventCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes checkpoints under {@code <root>/<pipeline>/<checkpointId>/} (under
 * {@code <root>/<pipeline>/<run>/<checkpointId>/} for a writer of one run: it then finds, lists and deletes only that
 * run's checkpoints): the parameters (DJL format, for scoring), the training state (parameters and optimizer state, to continue exactly) and the manifest. The files go to a
 * fresh temporary directory that is renamed into place, so a reader never sees a half-written checkpoint.
 */
public final class CheckpointWriter {

    private final Path root;
    private final ArtifactKeys.Signer signer;
    private final String run;

    public CheckpointWriter(Path root) {
        this(root, null);
    }

    /** A writer that signs every checkpoint with {@code signer} ({@link CheckpointSignature}); null: unsigned. */
    public CheckpointWriter(Path root, ArtifactKeys.Signer signer) {
        this(root, signer, null);
    }

    /** The same, for the checkpoints of one run ({@code run}: its id, a directory name; null: no run id). */
    public CheckpointWriter(Path root, ArtifactKeys.Signer signer, String run) {
        this.root = root;
        this.signer = signer;
        this.run = run;
    }

    /** The directory holding a pipeline's checkpoints (of this writer's run). */
    private Path pipelineDir(String pipeline) {
        Path dir = root.resolve(pipeline);
        return run == null ? dir : dir.resolve(run);
    }

    /** Saves the session's parameters and the manifest; returns the final directory and the digest. */
    public Written write(TrainingSession session, CheckpointManifest manifest) throws IOException {
        return write(session, manifest, directory -> { });
    }

    /** Further files of a checkpoint, written into its directory before it is renamed in. */
    @FunctionalInterface
    public interface ExtraFiles {
        void writeInto(Path directory) throws IOException;
    }

    /** The same, with {@code extra} files written into the checkpoint before it is renamed in. */
    public Written write(TrainingSession session, CheckpointManifest manifest, ExtraFiles extra)
            throws IOException {
        Path pipelineDir = pipelineDir(manifest.pipeline());
        Files.createDirectories(pipelineDir);
        Path target = pipelineDir.resolve(manifest.checkpointId());
        if (Files.isRegularFile(CheckpointFiles.manifest(target))) {
            // Written before a restart: training is deterministic, so it holds this very state. Rewriting it could
            // pull it from under a reader.
            return new Written(target, CheckpointFiles.sha256(CheckpointFiles.parameters(target)));
        }
        Path temporary = pipelineDir.resolve(".tmp-" + manifest.checkpointId() + "-" + System.nanoTime());
        Files.createDirectories(temporary);
        try {
            session.saveParameters(temporary);
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(temporary.resolve(TrainingState.FILE)))) {
                session.exportState().write(out);
            }
            extra.writeInto(temporary);
            String digest = CheckpointFiles.sha256(CheckpointFiles.parameters(temporary));
            CheckpointManifest complete = new CheckpointManifest(manifest.schemaVersion(), manifest.pipeline(),
                    manifest.checkpointId(), manifest.epoch(), manifest.step(), manifest.samplesSeen(),
                    manifest.specHash(), digest, manifest.stats(), manifest.createdAt(), manifest.resume());
            Files.write(CheckpointFiles.manifest(temporary), EventCodec.toBytes(complete));
            if (signer != null) {
                CheckpointSignature.sign(temporary, signer);
            }
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

    /** Rewrites the manifest of a written checkpoint (atomically), keeping its files and digest. */
    public Written updateResume(Written written, CheckpointManifest manifest) throws IOException {
        CheckpointManifest complete = new CheckpointManifest(manifest.schemaVersion(), manifest.pipeline(),
                manifest.checkpointId(), manifest.epoch(), manifest.step(), manifest.samplesSeen(), manifest.specHash(),
                written.sha256(), manifest.stats(), manifest.createdAt(), manifest.resume());
        Path temporary = written.dir().resolve(CheckpointFiles.MANIFEST + ".tmp");
        Files.write(temporary, EventCodec.toBytes(complete));
        Files.move(temporary, CheckpointFiles.manifest(written.dir()), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        return written;
    }

    /** A checkpoint on disk: its directory and the SHA-256 of its parameter file. */
    public record Written(Path dir, String sha256) {
    }

    /** A checkpoint to continue training from: its manifest and training state. */
    public record Restorable(Path dir, CheckpointManifest manifest, TrainingState state) {
    }

    /**
     * The newest complete checkpoint of a pipeline that can be trained on from (the highest step; at equal steps
     * the latest written), or empty. Unreadable directories are skipped.
     */
    public java.util.Optional<Restorable> newest(String pipeline) {
        Path pipelineDir = pipelineDir(pipeline);
        if (!Files.isDirectory(pipelineDir)) {
            return java.util.Optional.empty();
        }
        Restorable best = null;
        try (Stream<Path> dirs = Files.list(pipelineDir)) {
            for (Path dir : dirs.filter(d -> !d.getFileName().toString().startsWith(".")).toList()) {
                try {
                    CheckpointManifest manifest = io.streamtrain.contracts.EventCodec.fromBytes(
                            Files.readAllBytes(CheckpointFiles.manifest(dir)), CheckpointManifest.class);
                    if (manifest.resume() == null) {
                        continue;
                    }
                    if (best == null || manifest.step() > best.manifest().step()
                            || manifest.step() == best.manifest().step()
                            && manifest.createdAt() >= best.manifest().createdAt()) {
                        try (var in = new java.io.BufferedInputStream(Files.newInputStream(dir.resolve(TrainingState.FILE)))) {
                            best = new Restorable(dir, manifest, TrainingState.read(in));
                        }
                    }
                } catch (IOException | IllegalArgumentException e) {
                    // Not a usable checkpoint (an older format, or damaged): skip it.
                }
            }
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(best);
    }

    /** The ids of a pipeline's checkpoints on disk, newest (highest step) first. */
    public java.util.List<String> checkpointIds(String pipeline) throws IOException {
        Path pipelineDir = pipelineDir(pipeline);
        if (!Files.isDirectory(pipelineDir)) {
            return java.util.List.of();
        }
        try (Stream<Path> dirs = Files.list(pipelineDir)) {
            return dirs.map(d -> d.getFileName().toString()).filter(name -> CHECKPOINT_ID.matcher(name).matches())
                    .sorted(Comparator.comparingLong(CheckpointWriter::stepOf).reversed()
                            .thenComparing(Comparator.<String>naturalOrder().reversed()))
                    .toList();
        }
    }

    /** Removes one checkpoint directory of a pipeline. */
    public void delete(String pipeline, String checkpointId) throws IOException {
        deleteTree(pipelineDir(pipeline).resolve(checkpointId));
    }

    private static final java.util.regex.Pattern CHECKPOINT_ID = java.util.regex.Pattern.compile(
            "(?:.+-)?e\\d+-s(\\d+)");

    private static long stepOf(String checkpointId) {
        java.util.regex.Matcher matcher = CHECKPOINT_ID.matcher(checkpointId);
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
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
