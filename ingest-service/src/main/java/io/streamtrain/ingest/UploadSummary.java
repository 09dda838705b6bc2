package io.streamtrain.ingest;

import java.util.Map;

/** The answer to an upload: how many records were read, accepted and rejected (by reason code). */
public record UploadSummary(String pipeline, String source, long records, long accepted, long rejected,
                           Map<String, Long> rejectedByReason, boolean endOfData) {
}
