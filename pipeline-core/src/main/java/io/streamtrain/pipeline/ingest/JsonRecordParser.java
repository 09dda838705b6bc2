package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamtrain.contracts.ReasonCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of one message into a JSON tree. In: raw bytes. Out: the tree, or a {@link Rejection}
 * (TOO_LARGE, BAD_ENCODING, MALFORMED_JSON, and LIMIT_EXCEEDED for more fields, longer strings, deeper nesting or
 * longer numbers than the {@link IngestLimits}, which the parser enforces as it reads). NaN and Infinity tokens are
 * read so that the validator can reject them as NON_FINITE with a clearer reason than a parse error.
 */
public final class JsonRecordParser {

    private final ObjectMapper mapper;
    private final IngestLimits limits;
    private final int maxBytes;

    public JsonRecordParser(int maxBytes) {
        this(IngestLimits.ofRecordBytes(maxBytes));
    }

    public JsonRecordParser(IngestLimits limits) {
        this.limits = limits;
        this.maxBytes = limits.maxRecordBytes();
        this.mapper = JsonMapper.builder(com.fasterxml.jackson.core.JsonFactory.builder()
                        .streamReadConstraints(limits.readConstraints()).build())
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    /**
     * The parse outcome: exactly one of {@code node} and {@code rejection} is set; {@code text} is the decoded
     * message when it was valid UTF-8 (null otherwise).
     */
    public record Parsed(JsonNode node, Rejection rejection, String text) {
    }

    public Parsed parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return rejected(ReasonCode.MALFORMED_JSON, "the message is empty");
        }
        if (bytes.length > maxBytes) {
            return rejected(ReasonCode.TOO_LARGE, "the message has " + bytes.length + " bytes; the limit is " + maxBytes);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return rejected(ReasonCode.BAD_ENCODING, "the message is not valid UTF-8");
        }
        return parse(text);
    }

    public Parsed parse(String text) {
        if (text.length() > maxBytes) {
            return rejected(ReasonCode.TOO_LARGE, "the record has " + text.length() + " characters; the limit is " + maxBytes);
        }
        try (JsonParser parser = mapper.createParser(text)) {
            JsonNode node = mapper.readTree(parser);
            if (node == null || node.isMissingNode()) {
                return new Parsed(null, new Rejection(ReasonCode.MALFORMED_JSON, null, "the message is blank"), text);
            }
            Rejection overLimit = limits.check(node);
            return overLimit != null ? new Parsed(null, overLimit, text) : new Parsed(node, null, text);
        } catch (StreamConstraintsException e) {
            String message = e.getOriginalMessage().replaceAll(",? ?from `[^`]*`", "");
            return new Parsed(null, new Rejection(ReasonCode.LIMIT_EXCEEDED, null, message), text);
        } catch (IOException | RuntimeException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Parsed(null, new Rejection(ReasonCode.MALFORMED_JSON, null, "not valid JSON: " + message), text);
        }
    }

    private static Parsed rejected(ReasonCode reason, String detail) {
        return new Parsed(null, new Rejection(reason, null, detail), null);
    }
}
