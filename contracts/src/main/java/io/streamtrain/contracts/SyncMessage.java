package io.streamtrain.contracts;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/**
 * A message between the trainers of one pipeline on {@link Topics#SYNC} (key = pipeline; one partition, so every
 * trainer reads the same order and closes the same rounds with the same members).
 *
 * <ul>
 *   <li>{@code CONTRIBUTION}: a member's parameters after its local steps of round {@code round}, weighted by the
 *   {@code samples} they were trained on; the batches it trained (ids in training order), the next offset of every
 *   train partition it read, and the partitions that delivered their end-of-data marker in {@code epoch}.</li>
 *   <li>{@code CLOSE}: a member that waited the spec's timeout for round {@code round} closes it without those
 *   still missing.</li>
 *   <li>{@code LEAVE}: a member that shuts down; later rounds do not wait for it.</li>
 * </ul>
 * Parameters travel as little-endian float32 (base64 in JSON); so does the optimizer's state when the spec averages
 * it ({@code train.sync.optimizerState: average}), null otherwise.
 *
 * <p>Format version 2 (this release) adds {@code stopReason} to a contribution: its member asks the group to end the
 * run with the round that includes it (early stopping, or a non-finite step under {@code train.onNonFinite: stop});
 * null otherwise; and {@code statsVersion}, the statistics version the contributed parameters belong to (a class
 * learned after the warm-up grows the network: the round averages at the newest version, growing older
 * contributions). Version 1 messages have neither and read as null and 0.
 */
public record SyncMessage(int schemaVersion, String pipeline, Kind kind, long round, String member, int epoch,
                          long samples, List<String> batchIds, Map<Integer, Long> offsets, List<Integer> finished,
                          double loss, byte[] parameters, byte[] optimizerState, long sentAt, String stopReason,
                          int statsVersion) {

    /** The format version of the sync messages this release writes. */
    public static final int VERSION = 2;

    public enum Kind { CONTRIBUTION, CLOSE, LEAVE }

    public static SyncMessage contribution(String pipeline, long round, String member, int epoch, long samples,
                                           List<String> batchIds, Map<Integer, Long> offsets,
                                           List<Integer> finished, double loss, float[] parameters,
                                           float[] optimizerState) {
        return new SyncMessage(VERSION, pipeline, Kind.CONTRIBUTION, round, member, epoch, samples,
                List.copyOf(batchIds), Map.copyOf(offsets), List.copyOf(finished), loss, bytes(parameters),
                optimizerState == null ? null : bytes(optimizerState), System.currentTimeMillis(), null, 0);
    }

    /** This contribution, asking the group to end the run with its round for {@code reason}. */
    public SyncMessage stoppingBecause(String reason) {
        return new SyncMessage(schemaVersion, pipeline, kind, round, member, epoch, samples, batchIds, offsets,
                finished, loss, parameters, optimizerState, sentAt, reason, statsVersion);
    }

    /** This contribution, for parameters of statistics version {@code version}. */
    public SyncMessage withStatsVersion(int version) {
        return new SyncMessage(schemaVersion, pipeline, kind, round, member, epoch, samples, batchIds, offsets,
                finished, loss, parameters, optimizerState, sentAt, stopReason, version);
    }

    public static SyncMessage close(String pipeline, long round, String member) {
        return new SyncMessage(VERSION, pipeline, Kind.CLOSE, round, member, 0, 0, List.of(),
                Map.of(), List.of(), Double.NaN, null, null, System.currentTimeMillis(), null, 0);
    }

    public static SyncMessage leave(String pipeline, String member) {
        return new SyncMessage(VERSION, pipeline, Kind.LEAVE, 0, member, 0, 0, List.of(), Map.of(),
                List.of(), Double.NaN, null, null, System.currentTimeMillis(), null, 0);
    }

    /** The contributed parameters. */
    public float[] parameterVector() {
        return floats(parameters);
    }

    /** The contributed optimizer state, or null when it stays with the member (or it had none yet). */
    public float[] optimizerStateVector() {
        return optimizerState == null || optimizerState.length == 0 ? null : floats(optimizerState);
    }

    private static float[] floats(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static byte[] bytes(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }
}
