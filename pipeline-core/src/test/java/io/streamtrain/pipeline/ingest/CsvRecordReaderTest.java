package io.streamtrain.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ReasonCode;
import java.io.IOException;
import java.io.StringReader;
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
    void anUnterminatedQuoteStopsAtTheRecordLimit() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b\n\"open,1\n" + "2,3\n".repeat(100)), 50);
        org.assertj.core.api.Assertions.assertThatThrownBy(reader::next).isInstanceOf(BodyProblem.class)
                .hasMessageContaining("line 2");
    }

    @Test
    void aRowWithTheWrongFieldCountIsRejectedAndReadingGoesOn() throws IOException {
        CsvRecordReader reader = new CsvRecordReader(new StringReader("a,b\n1\n2,3\n"));
        CsvRecordReader.Row bad = reader.next();
        assertThat(bad.rejection().reason()).isEqualTo(ReasonCode.MALFORMED_CSV);
        assertThat(bad.original()).isEqualTo("1");
        assertThat(reader.next().record().get("b").asText()).isEqualTo("3");
    }
}
