package io.streamtrain.pipeline.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of one CSV record (one line, or several joined with {@code \n} inside quotes) into fields, as
 * RFC 4180 reads them: a field that starts with a quote runs to the matching quote, a doubled quote inside it is a
 * quote, unquoted fields are trimmed. In: the text. Out: the fields, where a quote left open starts (its 0-based
 * index in the text, -1 when every quote closed), and whether text followed a closing quote.
 */
final class CsvLineParser {

    /** What one record's text holds. */
    record Parsed(List<String> fields, int openQuoteAt, boolean textAfterQuote) {

        boolean quoteOpen() {
            return openQuoteAt >= 0;
        }
    }

    private CsvLineParser() {
    }

    static Parsed parse(CharSequence text) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean fieldWasQuoted = false;
        boolean closedQuote = false;
        boolean textAfterQuote = false;
        int quoteAt = -1;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch != '"') {
                    field.append(ch);
                } else if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else {
                    quoted = false;
                    closedQuote = true;
                }
            } else if (ch == '"' && !closedQuote && field.toString().isBlank()) {
                quoted = true;
                fieldWasQuoted = true;
                quoteAt = i;
                field.setLength(0);
            } else if (ch == ',') {
                fields.add(fieldWasQuoted ? field.toString() : field.toString().trim());
                field.setLength(0);
                fieldWasQuoted = false;
                closedQuote = false;
            } else if (!(closedQuote && Character.isWhitespace(ch))) {
                textAfterQuote |= closedQuote;
                field.append(ch);
            }
        }
        fields.add(fieldWasQuoted ? field.toString() : field.toString().trim());
        return new Parsed(fields, quoted ? quoteAt : -1, textAfterQuote);
    }
}
