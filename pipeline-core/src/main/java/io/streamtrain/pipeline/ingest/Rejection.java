package io.streamtrain.pipeline.ingest;

import io.streamtrain.contracts.ReasonCode;

/** Why one record cannot be used: a reason code, the field concerned (may be null) and a readable detail. */
public record Rejection(ReasonCode reason, String field, String detail) {
}
