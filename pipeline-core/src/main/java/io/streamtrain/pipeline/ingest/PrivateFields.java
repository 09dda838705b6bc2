package io.streamtrain.pipeline.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.streamtrain.pipeline.spec.PrivacyMode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The spec's private fields ({@code data.private}), applied to a raw record before it goes anywhere. In: a parsed
 * record (a message or a CSV row). Out: a copy in which every field of a private name, at any depth, is gone
 * ({@code drop}) or holds the hex HMAC-SHA256 of its text under the deployment's key ({@code hash}); the same value
 * always gives the same pseudonym, and without the key it cannot be reversed or recomputed. Input that cannot be
 * parsed cannot be cleaned: with private fields, its text is never kept ({@link #active}).
 */
public final class PrivateFields {

    /** The shortest key accepted for hashing. */
    public static final int MIN_KEY_BYTES = 16;

    private final Map<String, PrivacyMode> fields;
    private final SecretKeySpec key;

    /** {@code key} may be null when no field is hashed. */
    public PrivateFields(Map<String, PrivacyMode> fields, byte[] key) {
        this.fields = Map.copyOf(fields);
        boolean hashes = fields.containsValue(PrivacyMode.HASH);
        if (hashes && (key == null || key.length < MIN_KEY_BYTES)) {
            throw new IllegalArgumentException("data.private hashes " + fields.entrySet().stream()
                    .filter(e -> e.getValue() == PrivacyMode.HASH).map(Map.Entry::getKey).toList()
                    + ": give the deployment a secret key of at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = hashes ? new SecretKeySpec(key, "HmacSHA256") : null;
    }

    /** Whether any field is private: then unparsed input is never kept. */
    public boolean active() {
        return !fields.isEmpty();
    }

    /** A copy of the record without its private values (the record itself when none are private). */
    public JsonNode apply(JsonNode record) {
        if (!active() || record == null || !record.isContainerNode()) {
            return record;
        }
        JsonNode copy = record.deepCopy();
        clean(copy);
        return copy;
    }

    private void clean(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                PrivacyMode mode = fields.get(field.getKey());
                if (mode == PrivacyMode.DROP) {
                    it.remove();
                } else if (mode == PrivacyMode.HASH) {
                    field.setValue(field.getValue().isNull() ? field.getValue() : TextNode.valueOf(hash(text(field
                            .getValue()))));
                } else {
                    clean(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(this::clean);
        }
    }

    private static String text(JsonNode value) {
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** The pseudonym of a value: hex HMAC-SHA256 under the key. */
    public String hash(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }
}
