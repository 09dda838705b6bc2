package io.streamtrain.ingest;

import java.util.Map;

/**
 * The answer to an upload: how many records were read, accepted and rejected (by reason code), and how the body's
 * data lines split (header and blank lines excluded): lines read = lines in accepted records + lines in dead
 * letters (a quoted CSV field may make one record of several lines).
 */
public record UploadSummary(String pipeline, String source, long records, long accepted, long rejected,
                           Map<String, Long> rejectedByReason, boolean endOfData, Lines lines) {

    /** Data lines read, in accepted records, in dead letters. */
    public record Lines(long read, long inAccepted, long inDeadLetters) {
    }
}
