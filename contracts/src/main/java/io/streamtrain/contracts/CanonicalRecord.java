package io.streamtrain.contracts;

import java.util.Map;

/**
 * A validated record on {@link Topics#RECORDS}. Numeric feature values are {@link Double}s, categorical ones
 * {@link String}s; the label is a String for classification and a Double for regression.
 */
public record CanonicalRecord(int schemaVersion, String pipeline, String id, Object label,
                              Map<String, Object> features, SourceRef source) {
}
