package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamtrain.contracts.ReasonCode;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Streams a CSV file with a header line (RFC 4180: quoted fields, doubled quotes, fields spanning lines inside
 * quotes) one row at a time, and loses no good line to a broken one. In: a reader. Out: per row, a JSON object of
 * text values keyed by the header (empty fields become null), or a {@link Rejection} ({@code MALFORMED_CSV}) with
 * the line it names, and how many physical lines the row covers.
 *
 * <p>Resynchronising: when a quote opened on line L is still open after {@code maxLinesPerRecord} lines, at the end
 * of the input, or past {@code maxRecordChars}, or when the lines it joined do not give the header's field count,
 * only line L is rejected ("unterminated quote opened at line L, column C") and reading starts again at line L+1.
 * A row with too few or too many fields, or text right after a closing quote, is rejected with its line. A byte
 * order mark, CRLF line ends and blank lines are handled; when the header ends in a delimiter, so may every row
 * (the empty last column is dropped). A physical line longer than {@code maxRecordChars} is a
 * {@link BodyProblem}. Holds at most {@code maxLinesPerRecord} lines.
 */
public final class CsvRecordReader {

    /** The default of {@code data.csv.maxLinesPerRecord}: the most lines one quoted record may span. */
    public static final int DEFAULT_MAX_LINES_PER_RECORD = 20;

    /**
     * One data row: the 1-based number of its first line in the file (the header is line 1), the object or the
     * rejection, its text, and the number of physical lines it covers.
     */
    public record Row(long line, ObjectNode record, Rejection rejection, String original, int lines) {
    }

    private record Line(long number, String text) {
    }

    private final BoundedLineReader reader;
    private final Deque<Line> pushedBack = new ArrayDeque<>();
    private final int maxRecordChars;
    private final int maxLinesPerRecord;
    private final List<String> header;
    private final boolean trailingDelimiter;

    public CsvRecordReader(Reader reader) throws IOException {
        this(reader, Integer.MAX_VALUE);
    }

    /** @param maxRecordChars the longest line, and the longest record spanning lines, read */
    public CsvRecordReader(Reader reader, int maxRecordChars) throws IOException {
        this(reader, maxRecordChars, Integer.MAX_VALUE);
    }

    /** The same, refusing a header of more than {@code maxColumns} columns (a {@link BodyProblem}). */
    public CsvRecordReader(Reader reader, int maxRecordChars, int maxColumns) throws IOException {
        this(reader, maxRecordChars, maxColumns, DEFAULT_MAX_LINES_PER_RECORD);
    }

    /** The same, with quoted records spanning at most {@code maxLinesPerRecord} lines. */
    public CsvRecordReader(Reader reader, int maxRecordChars, int maxColumns, int maxLinesPerRecord)
            throws IOException {
        this.reader = new BoundedLineReader(reader, maxRecordChars);
        this.maxRecordChars = maxRecordChars;
        this.maxLinesPerRecord = Math.max(1, maxLinesPerRecord);
        Line first = nextLine();
        while (first != null && first.text().isBlank()) {
            first = nextLine();
        }
        List<String> names = first == null ? List.of() : CsvLineParser.parse(first.text()).fields().stream()
                .map(String::trim).toList();
        trailingDelimiter = names.size() > 1 && names.get(names.size() - 1).isEmpty();
        header = trailingDelimiter ? names.subList(0, names.size() - 1) : names;
        if (header.isEmpty() || header.size() == 1 && header.get(0).isEmpty()) {
            throw new BodyProblem(BodyProblem.Kind.MALFORMED, 1, "the CSV has no header line");
        }
        if (header.size() > maxColumns) {
            throw new BodyProblem(BodyProblem.Kind.MALFORMED, 1, "the CSV header has " + header.size() + " columns;"
                    + " the limit is " + maxColumns);
        }
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
        Line first = nextLine();
        while (first != null && first.text().isBlank()) {
            first = nextLine();
        }
        if (first == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(first.text());
        List<Line> joined = new ArrayList<>();
        CsvLineParser.Parsed parsed = CsvLineParser.parse(text);
        int openedAt = parsed.openQuoteAt();
        while (parsed.quoteOpen() && joined.size() + 1 < maxLinesPerRecord && text.length() < maxRecordChars) {
            Line more = nextLine();
            if (more == null) {
                break;
            }
            joined.add(more);
            text.append('\n').append(more.text());
            parsed = CsvLineParser.parse(text);
        }
        List<String> fields = withoutTrailingDelimiter(parsed.fields());
        if (parsed.quoteOpen() || !joined.isEmpty() && fields.size() != header.size()) {
            // Only the line where the quote opened is lost; the lines read after it are read again.
            for (int i = joined.size() - 1; i >= 0; i--) {
                pushedBack.push(joined.get(i));
            }
            return rejected(first, "unterminated quote opened at line " + first.number() + ", column "
                    + (openedAt + 1));
        }
        if (parsed.textAfterQuote()) {
            return rejected(first, "line " + first.number() + " has text right after a closing quote");
        }
        if (fields.size() != header.size()) {
            return rejected(first, "line " + first.number() + " has " + fields.size() + " fields; the header has "
                    + header.size());
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
        return new Row(first.number(), node, null, text.toString(), 1 + joined.size());
    }

    private List<String> withoutTrailingDelimiter(List<String> fields) {
        if (trailingDelimiter && fields.size() == header.size() + 1 && fields.get(fields.size() - 1).isEmpty()) {
            return fields.subList(0, fields.size() - 1);
        }
        return fields;
    }

    private static Row rejected(Line line, String detail) {
        return new Row(line.number(), null, new Rejection(ReasonCode.MALFORMED_CSV, null, detail), line.text(), 1);
    }

    private Line nextLine() throws IOException {
        if (!pushedBack.isEmpty()) {
            return pushedBack.pop();
        }
        String text = reader.readLine();
        if (text == null) {
            return null;
        }
        if (reader.lineNumber() == 1 && text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        return new Line(reader.lineNumber(), text);
    }
}
