package io.streamtrain.contracts;

/**
 * Where a record came from, so a user can find it again: a Kafka coordinate
 * ({@code topic}/{@code partition}/{@code offset}) or an uploaded file and its line.
 */
public record SourceRef(String kind, String topic, Integer partition, Long offset, String file, Long line) {

    public static SourceRef kafka(String topic, int partition, long offset) {
        return new SourceRef("kafka", topic, partition, offset, null, null);
    }

    public static SourceRef file(String file, long line) {
        return new SourceRef("file", null, null, null, file, line);
    }

    @Override
    public String toString() {
        return "kafka".equals(kind) ? topic + "/" + partition + "@" + offset : file + ":" + line;
    }
}
