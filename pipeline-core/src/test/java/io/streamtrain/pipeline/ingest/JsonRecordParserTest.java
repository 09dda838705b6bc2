package io.streamtrain.pipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamtrain.contracts.ReasonCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonRecordParserTest {

    private final JsonRecordParser parser = new JsonRecordParser(100);

    @Test
    void parsesAnObject() {
        assertThat(parser.parse("{\"a\": 1}".getBytes(StandardCharsets.UTF_8)).node().get("a").asInt()).isEqualTo(1);
    }

    @Test
    void rejectsWhatIsNotJson() {
        assertThat(reason("{\"a\": ".getBytes(StandardCharsets.UTF_8))).isEqualTo(ReasonCode.MALFORMED_JSON);
        assertThat(reason("{\"a\": 1} trailing".getBytes(StandardCharsets.UTF_8))).isEqualTo(ReasonCode.MALFORMED_JSON);
        assertThat(reason(new byte[0])).isEqualTo(ReasonCode.MALFORMED_JSON);
        assertThat(reason(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}))
                .isEqualTo(ReasonCode.BAD_ENCODING);
        assertThat(reason(("{\"a\": \"" + "x".repeat(200) + "\"}").getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(ReasonCode.TOO_LARGE);
    }

    private ReasonCode reason(byte[] bytes) {
        return parser.parse(bytes).rejection().reason();
    }
}
