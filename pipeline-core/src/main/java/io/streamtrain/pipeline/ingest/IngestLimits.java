package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import io.streamtrain.contracts.ReasonCode;
import java.util.Iterator;
import java.util.Map;

/**
 * The caps that keep hostile input from costing unbounded memory or time, each with a clear rejection: the size of
 * a message or line ({@code TOO_LARGE}), and the fields of a record, the length of a string or field name, the
 * nesting depth of JSON and the digits of a number ({@code LIMIT_EXCEEDED}). The JSON parser enforces the last
 * three while it reads, so a record never costs more than its capped size; {@link #check} applies the field and
 * string caps to records from any format (a CSV row too).
 */
public record IngestLimits(int maxRecordBytes, int maxFields, int maxStringChars, int maxNestingDepth,
                           int maxNumberChars) {

    /** The defaults of ingest-service ({@code streamtrain.ingest.max-*}). */
    public static final IngestLimits DEFAULTS = new IngestLimits(1024 * 1024, 1_000, 10_000, 32, 100);

    public IngestLimits {
        if (maxRecordBytes < 1 || maxFields < 1 || maxStringChars < 1 || maxNestingDepth < 1 || maxNumberChars < 1) {
            throw new IllegalArgumentException("every ingest limit must be at least 1: " + this);
        }
    }

    /** Only the size of a record capped; every other limit as in the defaults. */
    public static IngestLimits ofRecordBytes(int maxRecordBytes) {
        return new IngestLimits(maxRecordBytes, DEFAULTS.maxFields, DEFAULTS.maxStringChars, DEFAULTS.maxNestingDepth,
                DEFAULTS.maxNumberChars);
    }

    /** What the JSON parser enforces while it reads. */
    StreamReadConstraints readConstraints() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .maxNumberLength(maxNumberChars)
                .maxStringLength(maxStringChars)
                .maxNameLength(maxStringChars)
                .build();
    }

    /** The first field or string cap a record breaks, or null. */
    public Rejection check(JsonNode record) {
        if (record == null || !record.isObject()) {
            return null;
        }
        if (record.size() > maxFields) {
            return new Rejection(ReasonCode.LIMIT_EXCEEDED, null, "the record has " + record.size() + " fields; the"
                    + " limit is " + maxFields);
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = record.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().length() > maxStringChars) {
                return new Rejection(ReasonCode.LIMIT_EXCEEDED, null, "a field name has " + field.getKey().length()
                        + " characters; the limit is " + maxStringChars);
            }
            if (field.getValue().isTextual() && field.getValue().textValue().length() > maxStringChars) {
                return new Rejection(ReasonCode.LIMIT_EXCEEDED, field.getKey(), "the value of '" + field.getKey()
                        + "' has " + field.getValue().textValue().length() + " characters; the limit is "
                        + maxStringChars);
            }
        }
        return null;
    }
}
