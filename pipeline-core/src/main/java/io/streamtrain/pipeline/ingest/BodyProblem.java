package io.streamtrain.pipeline.ingest;

import java.io.IOException;

/**
 * An upload that cannot be read on: a line longer than the limit ({@link Kind#TOO_LONG}) or a body that is not
 * what its content type says ({@link Kind#MALFORMED}, e.g. a CSV without a header). Names the line.
 */
public class BodyProblem extends IOException {

    /** What went wrong. */
    public enum Kind {
        TOO_LONG,
        MALFORMED
    }

    private final Kind kind;
    private final long line;

    public BodyProblem(Kind kind, long line, String message) {
        super("line " + line + ": " + message);
        this.kind = kind;
        this.line = line;
    }

    public Kind kind() {
        return kind;
    }

    public long line() {
        return line;
    }
}
