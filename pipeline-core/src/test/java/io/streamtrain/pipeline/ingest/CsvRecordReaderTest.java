package io.streamtrain.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ReasonCode;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordReaderTest {

    @Test
    void readsQuotedFieldsAndCountsLines() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader(
                "\"carat\",\"cut\",note\r\n0.23,\"Ideal\",\"a, b\"\r\n0.21,\"Pre\"\"mium\",\n\n0.3,\"multi\nline\",x\n"));
        assertThat(reader.header()).containsExactly("carat", "cut", "note");
        CsvRecordReader.Row first = reader.next();
        assertThat(first.line()).isEqualTo(2);
        assertThat(first.record().get("carat").asText()).isEqualTo("0.23");
        assertThat(first.record().get("note").asText()).isEqualTo("a, b");
        CsvRecordReader.Row second = reader.next();
        assertThat(second.line()).isEqualTo(3);
        assertThat(second.record().get("cut").asText()).isEqualTo("Pre\"mium");
        assertThat(second.record().get("note").isNull()).isTrue();
        CsvRecordReader.Row third = reader.next();
        assertThat(third.line()).isEqualTo(5);
        assertThat(third.record().get("cut").asText()).isEqualTo("multi\nline");
        assertThat(reader.next()).isNull();
    }

    @Test
    void textAfterAClosingQuoteIsMalformed() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b\n\"x\"y,1\n\"ok\" ,2\n"));
        assertThat(reader.next().rejection().reason()).isEqualTo(ReasonCode.MALFORMED_CSV);
        assertThat(reader.next().record().get("a").asText()).isEqualTo("ok");
    }

    @Test
    void anUnterminatedQuoteCostsOnlyItsLineAndReadingStartsAgainAtTheNext() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b\n1,2\n3,\"open\n" + "4,5\n".repeat(100)));
        assertThat(reader.next().record().get("a").asText()).isEqualTo("1");
        CsvRecordReader.Row broken = reader.next();
        assertThat(broken.line()).isEqualTo(3);
        assertThat(broken.lines()).isEqualTo(1);
        assertThat(broken.original()).isEqualTo("3,\"open");
        assertThat(broken.rejection().reason()).isEqualTo(ReasonCode.MALFORMED_CSV);
        assertThat(broken.rejection().detail()).isEqualTo("unterminated quote opened at line 3, column 3");
        List<CsvRecordReader.Row> rest = rows(reader);
        assertThat(rest).hasSize(100).allSatisfy(row -> assertThat(row.record()).isNotNull());
        assertThat(rest.get(0).line()).isEqualTo(4);
    }

    @Test
    void aQuoteStillOpenAtTheEndOfTheFileOrPastTheRecordLimitCostsOnlyItsLine() throws IOException {
        assertThat(rows(new CsvRecordReader(new StringReader("a,b\n1,2\n\"x,3\n"))))
                .extracting(r -> r.rejection() == null ? "ok" : r.rejection().detail())
                .containsExactly("ok", "unterminated quote opened at line 3, column 1");
        assertThat(rows(new CsvRecordReader(new StringReader("a,b\n\"broken"))))
                .extracting(r -> r.rejection().detail())
                .containsExactly("unterminated quote opened at line 2, column 1");
        // A record limit of 50 characters: the joined lines pass it long before 20 lines.
        List<CsvRecordReader.Row> limited = rows(new CsvRecordReader(new StringReader("a,b\n\"open,1\n"
                + "2,3\n".repeat(30)), 50));
        assertThat(limited).hasSize(31);
        assertThat(limited.get(0).rejection().reason()).isEqualTo(ReasonCode.MALFORMED_CSV);
        assertThat(limited.subList(1, 31)).allSatisfy(row -> assertThat(row.record()).isNotNull());
    }

    @Test
    void linesJoinedByAQuoteThatGiveTheWrongFieldCountCostOnlyTheFirst() throws IOException {
        List<CsvRecordReader.Row> rows = rows(new CsvRecordReader(new StringReader(
                "a,b\n\"x,1\n2,3\"\n4,5\n\"multi\nline\",6\n")));
        assertThat(rows).extracting(CsvRecordReader.Row::line).containsExactly(2L, 3L, 4L, 5L);
        assertThat(rows.get(0).rejection().detail()).isEqualTo("unterminated quote opened at line 2, column 1");
        assertThat(rows.get(3).record().get("a").asText()).isEqualTo("multi\nline");
        assertThat(rows.get(3).lines()).isEqualTo(2);
        // Lines read = lines in rows: 5 data lines, 1 + 1 + 1 + 2.
        assertThat(rows.stream().mapToInt(CsvRecordReader.Row::lines).sum()).isEqualTo(5);
    }

    @Test
    void aByteOrderMarkCrlfBlankLinesAndATrailingDelimiterOnEveryLineAreHandled() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("\uFEFFa,b,\r\n1,2,\r\n\r\n3,4,\r\n5,6\r\n"));
        assertThat(reader.header()).containsExactly("a", "b");
        List<CsvRecordReader.Row> rows = rows(reader);
        assertThat(rows).extracting(r -> r.record().get("a").asText() + r.record().get("b").asText())
                .containsExactly("12", "34", "56");
        assertThat(rows).extracting(CsvRecordReader.Row::line).containsExactly(2L, 4L, 5L);
    }

    @Test
    void quotedFieldsSpanningAtMostTheLimitOfLinesStillRead() throws IOException {
        String twenty = "\"" + "x\n".repeat(19) + "y\",1\n";
        List<CsvRecordReader.Row> rows = rows(new CsvRecordReader(new StringReader("a,b\n" + twenty + "2,3\n")));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).lines()).isEqualTo(20);
        String twentyOne = "\"" + "x\n".repeat(20) + "y\",1\n";
        List<CsvRecordReader.Row> tooLong = rows(new CsvRecordReader(new StringReader("a,b\n" + twentyOne)));
        assertThat(tooLong.get(0).rejection().detail()).startsWith("unterminated quote opened at line 2");
    }

    private static List<CsvRecordReader.Row> rows(CsvRecordReader reader) throws IOException {
        List<CsvRecordReader.Row> rows = new ArrayList<>();
        for (CsvRecordReader.Row row = reader.next(); row != null; row = reader.next()) {
            rows.add(row);
        }
        return rows;
    }

    @Test
    void aRowWithTheWrongFieldCountIsRejectedAndReadingGoesOn() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b\n1\n2,3\n"));
        CsvRecordReader.Row bad = reader.next();
        assertThat(bad.rejection().reason()).isEqualTo(ReasonCode.MALFORMED_CSV);
        assertThat(bad.original()).isEqualTo("1");
        assertThat(bad.rejection().detail()).isEqualTo("line 2 has 1 fields; the header has 2");
        assertThat(reader.next().record().get("b").asText()).isEqualTo("3");
    }
}
