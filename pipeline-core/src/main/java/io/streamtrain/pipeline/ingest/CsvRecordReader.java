package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtrain.contracts.ReasonCode;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a CSV file with a header line (RFC 4180: quoted fields, doubled quotes, CRLF) one row at a time.
 * In: a reader. Out: per row, a JSON object of text values keyed by the header (empty fields become null), or a
 * {@link Rejection} when the row's field count does not match the header. Never holds more than one row.
 */
public final class CsvRecordReader {

    /** One data row: its 1-based line number in the file (the header is line 1), the object or the rejection. */
    public record Row(long line, ObjectNode record, Rejection rejection, String original) {
    }

    private final Reader reader;
    private final int maxRecordChars;
    private final List<String> header;
    private long line = 0;
    private int pending = -2;
    private boolean strayQuote;

    public CsvRecordReader(Reader reader) throws IOException {
        this(reader, Integer.MAX_VALUE);
    }

    /**
     * @param maxRecordChars the longest record (one line, or several inside quotes) read before a
     *                       {@link BodyProblem}; an unterminated quote therefore fails instead of reading the rest
     */
    public CsvRecordReader(Reader reader, int maxRecordChars) throws IOException {
        this(reader, maxRecordChars, Integer.MAX_VALUE);
    }

    /** The same, refusing a header of more than {@code maxColumns} columns (a {@link BodyProblem}). */
    public CsvRecordReader(Reader reader, int maxRecordChars, int maxColumns) throws IOException {
        this.reader = reader;
        this.maxRecordChars = maxRecordChars;
        List<String> names = readFields(new StringBuilder());
        if (names == null || names.isEmpty() || names.size() == 1 && names.get(0).isBlank()) {
            throw new BodyProblem(BodyProblem.Kind.MALFORMED, 1, "the CSV has no header line");
        }
        if (names.size() > maxColumns) {
            throw new BodyProblem(BodyProblem.Kind.MALFORMED, 1, "the CSV header has " + names.size() + " columns;"
                    + " the limit is " + maxColumns);
        }
        this.header = names.stream().map(String::trim).toList();
        if (header.stream().distinct().count() != header.size() || header.contains("")) {
            throw new BodyProblem(BodyProblem.Kind.MALFORMED, 1, "the CSV header has empty or repeated column "
                    + "names: " + header);
        }
    }

    public List<String> header() {
        return header;
    }

    /** The next data row, or null at the end of the input. Blank lines are skipped. */
    public Row next() throws IOException {
        while (true) {
            long start = line + 1;
            StringBuilder original = new StringBuilder();
            List<String> fields = readFields(original);
            if (fields == null) {
                return null;
            }
            if (fields.size() == 1 && fields.get(0).isEmpty()) {
                continue;
            }
            if (strayQuote) {
                return new Row(start, null, new Rejection(ReasonCode.MALFORMED_CSV, null, "line " + start
                        + " has text right after a closing quote"), original.toString());
            }
            if (fields.size() != header.size()) {
                return new Row(start, null, new Rejection(ReasonCode.MALFORMED_CSV, null,
                        "line " + start + " has " + fields.size() + " fields; the header has " + header.size()),
                        original.toString());
            }
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < fields.size(); i++) {
                String value = fields.get(i);
                if (value.isEmpty()) {
                    node.putNull(header.get(i));
                } else {
                    node.put(header.get(i), value);
                }
            }
            return new Row(start, node, null, original.toString());
        }
    }

    /** Reads one logical CSV record (which may span lines inside quotes); null at end of input. */
    private List<String> readFields(StringBuilder original) throws IOException {
        int c = read();
        if (c == -1) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        long start = line + 1;
        strayQuote = false;
        boolean closedQuote = false;
        while (true) {
            if (c == -1) {
                fields.add(fieldWasQuoted ? field.toString() : field.toString().trim());
                return fields;
            }
            if (original.length() >= maxRecordChars) {
                throw new BodyProblem(BodyProblem.Kind.TOO_LONG, start, "the record is longer than the limit of "
                        + maxRecordChars + " characters" + (quoted ? " (is a quote left open?)" : ""));
            }
            char ch = (char) c;
            if (quoted) {
                if (ch == '"') {
                    int next = read();
                    if (next == '"') {
                        field.append('"');
                        original.append("\"\"");
                    } else {
                        quoted = false;
                        closedQuote = true;
                        original.append('"');
                        c = next;
                        continue;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    field.append(ch);
                    original.append(ch);
                }
            } else if (ch == '"' && field.toString().isBlank()) {
                quoted = true;
                fieldWasQuoted = true;
                field.setLength(0);
                original.append(ch);
            } else if (ch == ',') {
                fields.add(fieldWasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                fieldWasQuoted = false;
                closedQuote = false;
                original.append(ch);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r') {
                    int next = read();
                    if (next != '\n') {
                        pending = next;
                    }
                }
                line++;
                fields.add(fieldWasQuoted ? field.toString() : field.toString().trim());
                return fields;
            } else {
                if (closedQuote && Character.isWhitespace(ch)) {
                    original.append(ch);
                    c = read();
                    continue;
                }
                strayQuote |= closedQuote;
                field.append(ch);
                original.append(ch);
            }
            c = read();
        }
    }

    private int read() throws IOException {
        if (pending != -2) {
            int c = pending;
            pending = -2;
            return c;
        }
        return reader.read();
    }
}
