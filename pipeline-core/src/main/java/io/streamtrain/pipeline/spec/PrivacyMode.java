package io.streamtrain.pipeline.spec;

/**
 * What ingest does with a field the spec marks private ({@code data.private}), before the record reaches any other
 * topic: {@code DROP} removes it; {@code HASH} replaces its value with a keyed HMAC-SHA256 (a pseudonym that still
 * joins with the source system, e.g. as the record id). A private field is never a feature or the label.
 */
public enum PrivacyMode {
    DROP,
    HASH
}
