package io.streamtrain.pipeline.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** A section of a parsed spec that knows its dotted key, so every error can name the key it is about. */
final class SpecNode {

    private final String path;
    private final JsonNode node;

    SpecNode(String path, JsonNode node) {
        this.path = path;
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
    }

    static SpecNode root(JsonNode node) {
        return new SpecNode("", node);
    }

    boolean present() {
        return !node.isMissingNode();
    }

    String key() {
        return path;
    }

    JsonNode raw() {
        return node;
    }

    SpecNode section(String name) {
        SpecNode child = child(name);
        if (child.present() && !child.node.isObject()) {
            throw new SpecException(child.path, "must be a mapping of keys, got '" + child.node + "'");
        }
        return child;
    }

    SpecNode child(String name) {
        return new SpecNode(path.isEmpty() ? name : path + "." + name, node.get(name));
    }

    /** Rejects keys outside {@code allowed}: a typo must not silently fall back to a default. */
    void onlyKeys(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new SpecException(child(name).path, "unknown key; allowed here: " + allowed);
            }
        }
    }

    String requiredString() {
        if (!present()) {
            throw new SpecException(path, "is required");
        }
        if (!node.isTextual() && !node.isNumber()) {
            throw new SpecException(path, "must be a string, got '" + node + "'");
        }
        String text = node.asText().trim();
        if (text.isEmpty()) {
            throw new SpecException(path, "must not be empty");
        }
        return text;
    }

    String string(String fallback) {
        return present() ? requiredString() : fallback;
    }

    int integer(int fallback, int min, int max) {
        if (!present()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
            throw new SpecException(path, "must be an integer from " + min + " to " + max + ", got '" + node + "'");
        }
        return node.asInt();
    }

    long longValue(long fallback) {
        if (!present()) {
            return fallback;
        }
        if (!node.isIntegralNumber()) {
            throw new SpecException(path, "must be an integer, got '" + node + "'");
        }
        return node.asLong();
    }

    /** A number in the open-closed range (minExclusive, maxInclusive]. */
    double number(double fallback, double minExclusive, double maxInclusive) {
        if (!present()) {
            return fallback;
        }
        if (!node.isNumber() || !(node.asDouble() > minExclusive) || node.asDouble() > maxInclusive) {
            throw new SpecException(path, "must be a number greater than " + minExclusive + " and at most "
                    + maxInclusive + ", got '" + node + "'");
        }
        return node.asDouble();
    }

    /** A number in the closed range [minInclusive, maxInclusive]. */
    double numberFrom(double fallback, double minInclusive, double maxInclusive) {
        if (!present()) {
            return fallback;
        }
        if (!node.isNumber() || !(node.asDouble() >= minInclusive) || node.asDouble() > maxInclusive) {
            throw new SpecException(path, "must be a number from " + minInclusive + " to " + maxInclusive
                    + ", got '" + node + "'");
        }
        return node.asDouble();
    }

    <E extends Enum<E>> E enumValue(Class<E> type, E fallback) {
        if (!present()) {
            if (fallback == null) {
                throw new SpecException(path, "is required; one of " + choices(type));
            }
            return fallback;
        }
        String text = requiredString();
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.replace('-', '_'))) {
                return constant;
            }
        }
        throw new SpecException(path, "must be one of " + choices(type) + ", got '" + text + "'");
    }

    List<SpecNode> list() {
        if (!present()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new SpecException(path, "must be a list, got '" + node + "'");
        }
        List<SpecNode> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            items.add(new SpecNode(path + "[" + i + "]", node.get(i)));
        }
        return items;
    }

    private static <E extends Enum<E>> List<String> choices(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase());
        }
        return names;
    }
}
