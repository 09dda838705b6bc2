package io.streamtrain.contracts;

/**
 * The end-of-data marker of a finite dataset. It flows through every stage and every partition (header
 * {@link Headers#CONTROL} = {@link Headers#END_OF_DATA}); {@code count} is what the stage wrote before it on
 * this topic (records or batches) and {@code rows} the rows those batches hold.
 */
public record EndOfData(int schemaVersion, String pipeline, String stage, long count, long rows) {
}
