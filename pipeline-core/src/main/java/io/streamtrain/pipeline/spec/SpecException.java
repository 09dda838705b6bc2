package io.streamtrain.pipeline.spec;

/** A pipeline spec that cannot be used; the message names the offending key. */
public class SpecException extends RuntimeException {

    private final String key;

    public SpecException(String key, String problem) {
        super("invalid pipeline spec: key '" + key + "': " + problem);
        this.key = key;
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
        this.key = null;
    }

    /** The dotted key the problem is about ({@code train.learningRate}), or null for an unreadable file. */
    public String key() {
        return key;
    }
}
