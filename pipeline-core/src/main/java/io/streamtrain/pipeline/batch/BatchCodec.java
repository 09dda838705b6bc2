package io.streamtrain.pipeline.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary encoding of a {@link Batch} on the batch topics (little-endian):
 * magic "STB1", format version (short), pipeline and batch id (length-prefixed UTF-8), statistics version (int),
 * label kind (byte: 0 class index, 1 float target), rows, cols (ints), rows*cols float32 features, rows labels.
 * About 4 bytes per value plus a header of a few dozen bytes, against about 10 per value as JSON text.
 */
public final class BatchCodec {

    static final int MAGIC = 0x53544231;
    static final short FORMAT = 1;

    private BatchCodec() {
    }

    public static byte[] encode(Batch batch) {
        byte[] pipeline = batch.pipeline().getBytes(StandardCharsets.UTF_8);
        byte[] id = batch.batchId().getBytes(StandardCharsets.UTF_8);
        int size = 4 + 2 + 2 + pipeline.length + 2 + id.length + 4 + 1 + 4 + 4
                + 4 * batch.rows() * batch.cols() + 4 * batch.rows();
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putShort(FORMAT);
        out.putShort((short) pipeline.length).put(pipeline);
        out.putShort((short) id.length).put(id);
        out.putInt(batch.statsVersion());
        out.put((byte) (batch.classification() ? 0 : 1));
        out.putInt(batch.rows()).putInt(batch.cols());
        out.asFloatBuffer().put(batch.features(), 0, batch.rows() * batch.cols());
        out.position(out.position() + 4 * batch.rows() * batch.cols());
        if (batch.classification()) {
            out.asIntBuffer().put(batch.classes(), 0, batch.rows());
        } else {
            out.asFloatBuffer().put(batch.targets(), 0, batch.rows());
        }
        return out.array();
    }

    /** Decodes a batch; throws IllegalArgumentException for bytes that are not a batch of a known format. */
    public static Batch decode(byte[] bytes) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            if (in.getInt() != MAGIC) {
                throw new IllegalArgumentException("not a StreamTrain batch (bad magic)");
            }
            short format = in.getShort();
            if (format != FORMAT) {
                throw new IllegalArgumentException("unknown batch format version " + format);
            }
            String pipeline = string(in);
            String id = string(in);
            int statsVersion = in.getInt();
            boolean classification = in.get() == 0;
            int rows = in.getInt();
            int cols = in.getInt();
            if (rows < 0 || cols < 0 || (long) rows * (cols + 1) * 4 != in.remaining()) {
                throw new IllegalArgumentException("batch " + id + " has a wrong size for " + rows + "x" + cols);
            }
            float[] features = new float[rows * cols];
            in.asFloatBuffer().get(features);
            in.position(in.position() + 4 * features.length);
            if (classification) {
                int[] classes = new int[rows];
                in.asIntBuffer().get(classes);
                return new Batch(pipeline, id, statsVersion, rows, cols, features, classes, null);
            }
            float[] targets = new float[rows];
            in.asFloatBuffer().get(targets);
            return new Batch(pipeline, id, statsVersion, rows, cols, features, null, targets);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated batch", e);
        }
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xffff];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
