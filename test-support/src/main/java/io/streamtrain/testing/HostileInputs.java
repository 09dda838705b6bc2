package io.streamtrain.testing;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Fuzz inputs for the ingest path, reproducible from a seed: random bytes, truncated and mutated valid records,
 * deep nesting, huge numbers, long strings and field names, many fields, invalid UTF-8, control characters and
 * oversized messages, mixed with valid records. Records are for a pipeline with the numeric feature
 * {@code length}, the categorical feature {@code colour} and the label {@code species} (classes {@code setosa},
 * {@code virginica}), the spec of ingest-service's tests.
 */
public final class HostileInputs {

    /** The kinds of input, drawn in turn. */
    public enum Kind {
        VALID, RANDOM_BYTES, TRUNCATED, MUTATED, DEEP_NESTING, HUGE_NUMBER, LONG_STRING, LONG_NAME, MANY_FIELDS,
        BAD_UTF8, CONTROL_CHARACTERS, WRONG_SHAPE, OVERSIZED
    }

    /** One input: what kind it is and its bytes (null stands for a message without a value). */
    public record Input(Kind kind, byte[] bytes) {
    }

    private static final byte[] JSON_BYTES = "{}[]\":,0123456789eE.-+ntfa\\".getBytes(StandardCharsets.US_ASCII);

    private final Random random;
    private final int oversizedBytes;

    /** {@code oversizedBytes}: how large an OVERSIZED input is (above the record limit under test). */
    public HostileInputs(long seed, int oversizedBytes) {
        this.random = new Random(seed);
        this.oversizedBytes = oversizedBytes;
    }

    /** The {@code index}-th input: kinds in turn, oversized ones rarely (they are large). */
    public Input next(int index) {
        Kind[] kinds = Kind.values();
        Kind kind = kinds[index % (kinds.length - 1)];
        if (index % 997 == 996) {
            kind = Kind.OVERSIZED;
        }
        return new Input(kind, bytes(kind));
    }

    private byte[] bytes(Kind kind) {
        return switch (kind) {
            case VALID -> utf8(valid());
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[random.nextInt(300)];
                random.nextBytes(bytes);
                yield random.nextInt(50) == 0 ? null : bytes;
            }
            case TRUNCATED -> {
                String valid = valid();
                yield utf8(valid.substring(0, random.nextInt(valid.length())));
            }
            case MUTATED -> mutate(utf8(valid()));
            case DEEP_NESTING -> {
                int depth = 40 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
                String open = random.nextBoolean() ? "[" : "{\"a\":";
                String close = open.equals("[") ? "]" : "}";
                yield utf8("{\"length\": 1, \"colour\": " + open.repeat(depth) + "1" + close.repeat(depth)
                        + ", \"species\": \"setosa\"}");
            }
            case HUGE_NUMBER -> {
                String number = random.nextBoolean()
                        ? "9".repeat(50 + random.nextInt(5_000))
                        : "1e" + (random.nextBoolean() ? "" : "-") + "9".repeat(1 + random.nextInt(12));
                yield utf8("{\"length\": " + number + ", \"colour\": \"red\", \"species\": \"setosa\"}");
            }
            case LONG_STRING -> utf8("{\"length\": 1, \"colour\": \"" + "x".repeat(20_000 + random.nextInt(100_000))
                    + "\", \"species\": \"setosa\"}");
            case LONG_NAME -> utf8("{\"length\": 1, \"" + "n".repeat(20_000 + random.nextInt(100_000))
                    + "\": 2, \"colour\": \"red\", \"species\": \"setosa\"}");
            case MANY_FIELDS -> {
                StringBuilder text = new StringBuilder("{\"length\": 1, \"colour\": \"red\", \"species\": \"setosa\"");
                int fields = 500 + random.nextInt(5_000);
                for (int i = 0; i < fields; i++) {
                    text.append(", \"f").append(i).append("\": ").append(i);
                }
                yield utf8(text.append('}').toString());
            }
            case BAD_UTF8 -> {
                byte[] valid = utf8(valid());
                byte[] bytes = java.util.Arrays.copyOf(valid, valid.length + 2);
                int at = random.nextInt(valid.length);
                System.arraycopy(valid, at, bytes, at + 2, valid.length - at);
                bytes[at] = (byte) (0x80 | random.nextInt(0x40));
                bytes[at + 1] = (byte) 0xff;
                yield bytes;
            }
            case CONTROL_CHARACTERS -> utf8("{\"length\": 1, \"colour\": \"r\u0000e\u0007d\", \"species\": \"set"
                    + (char) random.nextInt(32) + "osa\"}");
            case WRONG_SHAPE -> utf8(switch (random.nextInt(6)) {
                case 0 -> "[" + valid() + "]";
                case 1 -> "{\"length\": [1, 2], \"colour\": \"red\", \"species\": \"setosa\"}";
                case 2 -> "{\"length\": {\"v\": 1}, \"colour\": \"red\", \"species\": \"setosa\"}";
                case 3 -> "{\"length\": 1, \"colour\": \"red\", \"species\": [\"setosa\"]}";
                case 4 -> "\"" + valid().replace("\"", "\\\"") + "\"";
                default -> valid() + valid();
            });
            case OVERSIZED -> utf8("{\"length\": 1, \"colour\": \"" + "y".repeat(oversizedBytes)
                    + "\", \"species\": \"setosa\"}");
        };
    }

    private String valid() {
        return String.format(java.util.Locale.ROOT, "{\"length\": %.3f, \"colour\": \"%s\", \"species\": \"%s\"}",
                random.nextGaussian() * 3, random.nextBoolean() ? "red" : "blue",
                random.nextBoolean() ? "setosa" : "virginica");
    }

    private byte[] mutate(byte[] bytes) {
        byte[] mutated = bytes.clone();
        int changes = 1 + random.nextInt(4);
        for (int i = 0; i < changes && mutated.length > 0; i++) {
            int at = random.nextInt(mutated.length);
            switch (random.nextInt(3)) {
                case 0 -> mutated[at] = (byte) random.nextInt(256);
                case 1 -> mutated[at] = JSON_BYTES[random.nextInt(JSON_BYTES.length)];
                default -> mutated = java.util.Arrays.copyOfRange(mutated, 0, at);
            }
        }
        return mutated;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
