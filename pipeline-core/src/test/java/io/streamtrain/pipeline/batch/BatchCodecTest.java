package io.streamtrain.pipeline.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

    @Test
    void classificationBatchRoundTrips() {
        Batch batch = new Batch("iris", "train-x-000001", 3, 2, 3, new float[] {1, 2, 3, -4, 5.5f, Float.MIN_VALUE},
                new int[] {2, 0}, null);
        Batch decoded = BatchCodec.decode(BatchCodec.encode(batch));
        assertThat(decoded.pipeline()).isEqualTo("iris");
        assertThat(decoded.batchId()).isEqualTo("train-x-000001");
        assertThat(decoded.statsVersion()).isEqualTo(3);
        assertThat(decoded.features()).containsExactly(batch.features());
        assertThat(decoded.classes()).containsExactly(2, 0);
        assertThat(decoded.targets()).isNull();
    }

    @Test
    void regressionBatchRoundTripsAndIsCompact() {
        float[] features = new float[128 * 20];
        Arrays.fill(features, 0.123456f);
        float[] targets = new float[128];
        Arrays.fill(targets, -1.5f);
        byte[] bytes = BatchCodec.encode(new Batch("d", "b", 1, 128, 20, features, null, targets));
        assertThat(bytes.length).isLessThan(4 * 128 * 21 + 64);
        Batch decoded = BatchCodec.decode(bytes);
        assertThat(decoded.targets()).containsExactly(targets);
        assertThat(decoded.classification()).isFalse();
    }

    @Test
    void garbageIsRefused() {
        assertThatThrownBy(() -> BatchCodec.decode(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
        byte[] valid = BatchCodec.encode(new Batch("d", "b", 1, 1, 1, new float[] {1}, new int[] {0}, null));
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(valid, valid.length - 2)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void directDecodingHoldsTheSameValuesInEitherByteOrder() {
        Batch classes = new Batch("iris", "train-000007", 2, 3, 2, new float[] {1, -2, 3.25f, 4, Float.NaN, 6},
                new int[] {2, 0, 1}, null);
        Batch targets = new Batch("d", "train-000008", 1, 2, 2, new float[] {0.5f, 1, -1, 7}, null,
                new float[] {-1.5f, 2.25f});
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (Batch batch : List.of(classes, targets)) {
                ByteBuffer wire = ByteBuffer.wrap(BatchCodec.encode(batch));
                DirectBatch direct = BatchCodec.decode(wire, bytes -> ByteBuffer.allocateDirect(bytes + 16).order(order));
                assertThat(direct.batchId()).isEqualTo(batch.batchId());
                assertThat(direct.statsVersion()).isEqualTo(batch.statsVersion());
                assertThat(direct.classification()).isEqualTo(batch.classification());
                float[] features = new float[batch.rows() * batch.cols()];
                direct.features().asFloatBuffer().get(features);
                assertThat(features).containsExactly(batch.features());
                if (batch.classification()) {
                    int[] labels = new int[batch.rows()];
                    direct.labels().asIntBuffer().get(labels);
                    assertThat(labels).containsExactly(batch.classes());
                } else {
                    float[] labels = new float[batch.rows()];
                    direct.labels().asFloatBuffer().get(labels);
                    assertThat(labels).containsExactly(batch.targets());
                }
                assertThat(wire.position()).as("the message is not consumed").isZero();
            }
        }
    }

    @Test
    void directDecodingRefusesGarbageBeforeTakingABuffer() {
        byte[] valid = BatchCodec.encode(new Batch("d", "b", 1, 1, 1, new float[] {1}, new int[] {0}, null));
        IntFunction<ByteBuffer> none = bytes -> {
            throw new AssertionError("asked for a buffer");
        };
        assertThatThrownBy(() -> BatchCodec.decode(ByteBuffer.wrap(new byte[] {1, 2, 3}), none))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchCodec.decode(ByteBuffer.wrap(Arrays.copyOf(valid, valid.length - 2)), none))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong size");
    }

    @Test
    void assemblerCutsFullBatchesAndFlushesTheRest() {
        BatchAssembler assembler = new BatchAssembler("p", "train", 1, 2, 1, true);
        int full = 0;
        for (int i = 0; i < 5; i++) {
            assembler.rowBuffer()[assembler.rowOffset()] = i;
            if (assembler.commitClass(i % 2) != null) {
                full++;
            }
        }
        Batch last = assembler.flush();
        assertThat(full).isEqualTo(2);
        assertThat(last.rows()).isEqualTo(1);
        assertThat(last.features()).containsExactly(4f);
        assertThat(last.batchId()).isEqualTo("train-000002");
        assertThat(assembler.flush()).isNull();
    }
}
