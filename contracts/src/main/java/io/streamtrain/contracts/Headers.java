package io.streamtrain.contracts;

import java.nio.charset.StandardCharsets;

/** Kafka header names and values shared by every topic. */
public final class Headers {

    /** The pipeline a message belongs to (UTF-8). Lets several pipelines share topics. */
    public static final String PIPELINE = "streamtrain.pipeline";
    /**
     * The run a message belongs to (UTF-8): one life of a pipeline on a broker. Services of a run ignore messages of
     * other runs; a message without it belongs to every run (as one without {@link #PIPELINE} to every pipeline).
     */
    public static final String RUN = "streamtrain.run";
    /** Marks a control message instead of data; its value says which control message. */
    public static final String CONTROL = "streamtrain.control";
    /** {@link #CONTROL} value of an {@link EndOfData} marker. */
    public static final String END_OF_DATA = "end-of-data";
    /**
     * On a data message of {@code streamtrain.ingest.v1}: its producer could not read it as a record from its source
     * file (UTF-8 detail, e.g. "unterminated quote opened at line 7, column 3"); the message holds the line's text.
     * Ingest dead-letters it as {@code MALFORMED_CSV} with that detail, so every line of a file is accounted for.
     */
    public static final String MALFORMED = "streamtrain.malformed";

    public static byte[] utf8(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    public static String string(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    private Headers() {
    }
}
