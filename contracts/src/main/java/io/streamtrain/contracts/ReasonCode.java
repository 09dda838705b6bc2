package io.streamtrain.contracts;

/** Why a record was sent to the dead-letter topic. The catalogue is documented in the README. */
public enum ReasonCode {
    MALFORMED_JSON("the message is not valid JSON"),
    NOT_AN_OBJECT("the message is JSON but not an object"),
    BAD_ENCODING("the message is not valid UTF-8"),
    TOO_LARGE("the message is larger than the configured limit"),
    LIMIT_EXCEEDED("the record has more fields, longer strings, deeper nesting or longer numbers than configured"),
    MALFORMED_CSV("the CSV line does not match the header"),
    MISSING_LABEL("the label field is absent or null"),
    MISSING_VALUE("a feature is absent or null"),
    WRONG_TYPE("a value has the wrong type for its feature or label"),
    NON_FINITE("a numeric value is NaN or infinite"),
    UNKNOWN_CLASS("the label is not one of the pipeline's classes"),
    DUPLICATE_ID("a record with the same id was seen shortly before (a retry or a replay)");

    private final String description;

    ReasonCode(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
