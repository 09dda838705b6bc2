package io.streamtrain.contracts;

/**
 * A dead letter on {@link Topics#REJECTED}: the original bytes (as text, capped), why the record was rejected,
 * which field, by which stage, and where it came from.
 */
public record RejectedRecord(int schemaVersion, String pipeline, String id, String stage, ReasonCode reason,
                             String field, String detail, SourceRef source, String original,
                             boolean originalTruncated, long rejectedAt) {
}
