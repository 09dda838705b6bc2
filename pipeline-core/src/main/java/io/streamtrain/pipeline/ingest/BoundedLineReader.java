package io.streamtrain.pipeline.ingest;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines (ending in LF or CRLF) of at most {@code maxChars} characters, so one endless line cannot exhaust
 * memory. In: a reader. Out: lines without their ending, numbered from 1; a {@link BodyProblem} for a line over
 * the limit.
 */
public final class BoundedLineReader {

    private final Reader reader;
    private final int maxChars;
    private final StringBuilder line = new StringBuilder();
    private long number;

    public BoundedLineReader(Reader reader, int maxChars) {
        this.reader = reader;
        this.maxChars = maxChars;
    }

    /** The number of the line last returned. */
    public long lineNumber() {
        return number;
    }

    /** The next line, or null at the end of the input. */
    public String readLine() throws IOException {
        line.setLength(0);
        int c = reader.read();
        if (c == -1) {
            return null;
        }
        number++;
        while (c != -1 && c != '\n') {
            if (line.length() >= maxChars) {
                throw new BodyProblem(BodyProblem.Kind.TOO_LONG, number, "longer than the limit of " + maxChars
                        + " characters");
            }
            line.append((char) c);
            c = reader.read();
        }
        if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
            line.setLength(line.length() - 1);
        }
        return line.toString();
    }
}
