package io.streamtrain.contracts;

/**
 * A dead letter on {@link Topics#REJECTED}: the original record (as text, capped; as Base64 too when it was not
 * valid UTF-8, so its exact bytes are kept), why it was rejected, which field, by which stage, and where it came
 * from.
 */
public record RejectedRecord(int schemaVersion, String pipeline, String id, String stage, ReasonCode reason,
                             String field, String detail, SourceRef source, String original,
                             boolean originalTruncated, long rejectedAt, String originalBase64) {

    public RejectedRecord(int schemaVersion, String pipeline, String id, String stage, ReasonCode reason,
                          String field, String detail, SourceRef source, String original, boolean originalTruncated,
                          long rejectedAt) {
        this(schemaVersion, pipeline, id, stage, reason, field, detail, source, original, originalTruncated,
                rejectedAt, null);
    }
}
