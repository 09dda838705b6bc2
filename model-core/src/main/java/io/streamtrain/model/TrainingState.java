package io.streamtrain.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything of a training session that a checkpoint must hold to continue bit for bit: the parameters and the
 * optimizer's state (its per-parameter arrays, such as Adam's moments, and update counts), keyed by parameter
 * name. Stored as {@code training-state.bin}: magic "STS1", then length-prefixed names and float32 arrays.
 */
public record TrainingState(Map<String, float[]> parameters, Map<String, Map<String, float[]>> optimizerArrays,
                            Map<String, Integer> updateCounts, int numUpdate) {

    static final String FILE = "training-state.bin";
    private static final int MAGIC = 0x53545331;

    void write(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeInt(MAGIC);
        data.writeInt(numUpdate);
        writeArrays(data, parameters);
        data.writeInt(updateCounts.size());
        for (Map.Entry<String, Integer> count : updateCounts.entrySet()) {
            data.writeUTF(count.getKey());
            data.writeInt(count.getValue());
        }
        data.writeInt(optimizerArrays.size());
        for (Map.Entry<String, Map<String, float[]>> field : optimizerArrays.entrySet()) {
            data.writeUTF(field.getKey());
            writeArrays(data, field.getValue());
        }
        data.flush();
    }

    static TrainingState read(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        if (data.readInt() != MAGIC) {
            throw new IOException("not a StreamTrain training state");
        }
        int numUpdate = data.readInt();
        Map<String, float[]> parameters = readArrays(data);
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = data.readInt(); i > 0; i--) {
            counts.put(data.readUTF(), data.readInt());
        }
        Map<String, Map<String, float[]>> optimizer = new LinkedHashMap<>();
        for (int i = data.readInt(); i > 0; i--) {
            optimizer.put(data.readUTF(), readArrays(data));
        }
        return new TrainingState(parameters, optimizer, counts, numUpdate);
    }

    private static void writeArrays(DataOutputStream data, Map<String, float[]> arrays) throws IOException {
        data.writeInt(arrays.size());
        for (Map.Entry<String, float[]> array : arrays.entrySet()) {
            data.writeUTF(array.getKey());
            data.writeInt(array.getValue().length);
            for (float value : array.getValue()) {
                data.writeFloat(value);
            }
        }
    }

    private static Map<String, float[]> readArrays(DataInputStream data) throws IOException {
        Map<String, float[]> arrays = new LinkedHashMap<>();
        for (int i = data.readInt(); i > 0; i--) {
            String name = data.readUTF();
            float[] values = new float[data.readInt()];
            for (int j = 0; j < values.length; j++) {
                values[j] = data.readFloat();
            }
            arrays.put(name, values);
        }
        return arrays;
    }
}
