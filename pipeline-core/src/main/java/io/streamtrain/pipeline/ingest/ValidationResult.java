package io.streamtrain.pipeline.ingest;

import io.streamtrain.contracts.CanonicalRecord;

/** The outcome of validating one record: accepted in canonical form, or rejected with a reason. */
public sealed interface ValidationResult {

    record Accepted(CanonicalRecord record) implements ValidationResult {
    }

    record Rejected(Rejection rejection) implements ValidationResult {
    }
}
