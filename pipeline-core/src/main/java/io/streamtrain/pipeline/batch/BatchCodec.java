package io.streamtrain.pipeline.batch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

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
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        Header header = header(in);
        float[] features = new float[header.rows() * header.cols()];
        in.asFloatBuffer().get(features);
        in.position(in.position() + 4 * features.length);
        if (header.classification()) {
            int[] classes = new int[header.rows()];
            in.asIntBuffer().get(classes);
            return new Batch(header.pipeline(), header.batchId(), header.statsVersion(), header.rows(), header.cols(),
                    features, classes, null);
        }
        float[] targets = new float[header.rows()];
        in.asFloatBuffer().get(targets);
        return new Batch(header.pipeline(), header.batchId(), header.statsVersion(), header.rows(), header.cols(),
                features, null, targets);
    }

    /**
     * Decodes a batch into a direct buffer that {@code buffers} supplies for the number of bytes asked (at least
     * that capacity, native byte order), in one copy from {@code bytes} and none on the heap. Throws
     * IllegalArgumentException, before asking for a buffer, for bytes that are not a batch of a known format.
     */
    public static DirectBatch decode(ByteBuffer bytes, IntFunction<ByteBuffer> buffers) {
        ByteBuffer in = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        Header header = header(in);
        int size = DirectBatch.bytes(header.rows(), header.cols());
        ByteBuffer data = buffers.apply(size).clear();
        if (!data.isDirect() || data.capacity() < size) {
            throw new IllegalStateException("a batch needs a direct buffer of " + size + " bytes");
        }
        data.limit(size);
        if (data.order() == ByteOrder.LITTLE_ENDIAN) {
            data.put(in);
        } else {
            data.asFloatBuffer().put(in.asFloatBuffer().limit(header.rows() * header.cols()));
            data.position(4 * header.rows() * header.cols());
            in.position(in.position() + 4 * header.rows() * header.cols());
            if (header.classification()) {
                data.asIntBuffer().put(in.asIntBuffer());
            } else {
                data.asFloatBuffer().put(in.asFloatBuffer());
            }
        }
        data.clear().limit(size);
        return new DirectBatch(header.pipeline(), header.batchId(), header.statsVersion(), header.rows(),
                header.cols(), header.classification(), data);
    }

    /** What precedes the values; {@code in} is left at the first feature, with exactly the values remaining. */
    private record Header(String pipeline, String batchId, int statsVersion, boolean classification, int rows,
                          int cols) {
    }

    private static Header header(ByteBuffer in) {
        try {
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
            return new Header(pipeline, id, statsVersion, classification, rows, cols);
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
