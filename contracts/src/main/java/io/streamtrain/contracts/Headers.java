package io.streamtrain.contracts;

import java.nio.charset.StandardCharsets;

/** Kafka header names and values shared by every topic. */
public final class Headers {

    /** The pipeline a message belongs to (UTF-8). Lets several pipelines share topics. */
    public static final String PIPELINE = "streamtrain.pipeline";
    /** Marks a control message instead of data; its value says which control message. */
    public static final String CONTROL = "streamtrain.control";
    /** {@link #CONTROL} value of an {@link EndOfData} marker. */
    public static final String END_OF_DATA = "end-of-data";

    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private Headers() {
    }
}
