package io.streamtrain.cli;

import io.streamtrain.contracts.ReasonCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A corpus of more than 500 bad records, each with the reason code it must be dead-lettered with, mixed with
 * valid records, for a pipeline with numeric features {@code x1, x2}, categorical {@code colour} and classes
 * {@code a, b} of the label {@code label}. Messages go to the ingest topic as raw bytes (null included); the CSV
 * part goes through the HTTP upload.
 */
final class BadInputCorpus {

    /** One message: its key (the record id), its bytes, and the expected reason (null for a valid record). */
    record Message(String id, byte[] value, ReasonCode expected) {
    }

    final List<Message> messages = new ArrayList<>();
    final StringBuilder csv = new StringBuilder("x1,x2,colour,label\n");
    final List<ReasonCode> csvExpected = new ArrayList<>();
    int validMessages;
    int validCsvRows;
    int duplicates;

    private final Random random;
    private int next;

    BadInputCorpus(long seed) {
        random = new Random(seed);
        String valid = valid();
        // Every proper prefix of a JSON object is malformed.
        for (int cut = 0; cut < valid.length() - 1; cut += 1) {
            bad(valid.substring(0, cut), ReasonCode.MALFORMED_JSON);
        }
        for (String text : List.of("{a: 1}", "{'x1': 1}", "{\"x1\": 1,}", "{\"x1\": 1}}", "{\"x1\" 1}", "nope", "}{",
                "{\"x1\": tru}", "{\"x1\": 01}", "{\"x1\": .5}", "   ", "{\"x1\": 1} {\"x1\": 2}", "[", "\"open")) {
            bad(text, ReasonCode.MALFORMED_JSON);
        }
        bad("[" + "[".repeat(3000) + "]".repeat(3000) + "]", ReasonCode.LIMIT_EXCEEDED);
        bad("{\"x1\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2001), ReasonCode.LIMIT_EXCEEDED);
        add(new byte[0], ReasonCode.MALFORMED_JSON);
        add(null, ReasonCode.MALFORMED_JSON);
        for (String text : List.of("[]", "[1, 2]", "1", "-3.5", "\"text\"", "true", "false", "null", "[{\"x1\": 1}]",
                "\"{\\\"x1\\\": 1}\"")) {
            for (int i = 0; i < 5; i++) {
                bad(text, ReasonCode.NOT_AN_OBJECT);
            }
        }
        String[] wrongNumbers = {"\"abc\"", "true", "false", "[1]", "{}", "\"1,5\"", "\"12abc\"", "\"\\u0000\"", "\"0x10\"",
            "[]", "{\"v\": 1}", "\"one\""};
        for (String feature : List.of("x1", "x2")) {
            for (String value : wrongNumbers) {
                for (int i = 0; i < 3; i++) {
                    bad(with(feature, value), ReasonCode.WRONG_TYPE);
                }
            }
        }
        for (String value : List.of("1", "2.5", "true", "[\"red\"]", "{\"c\": \"red\"}", "-7", "1e3")) {
            for (int i = 0; i < 3; i++) {
                bad(with("colour", value), ReasonCode.WRONG_TYPE);
            }
        }
        for (int depth = 1; depth <= 20; depth++) {
            bad(with("x2", "{\"a\":".repeat(depth) + "1" + "}".repeat(depth)), ReasonCode.WRONG_TYPE);
        }
        for (String label : List.of("[\"a\"]", "{\"v\": \"a\"}")) {
            for (int i = 0; i < 5; i++) {
                bad(with("label", label), ReasonCode.WRONG_TYPE);
            }
        }
        for (String feature : List.of("x1", "x2")) {
            for (String value : List.of("NaN", "\"NaN\"", "\"nan\"", "Infinity", "-Infinity", "\"Infinity\"",
                    "\"-Infinity\"", "\"inf\"", "1e400", "-1e400", "\"1e999\"")) {
                for (int i = 0; i < 2; i++) {
                    bad(with(feature, value), ReasonCode.NON_FINITE);
                }
            }
        }
        for (int i = 0; i < 15; i++) {
            bad(without("label"), ReasonCode.MISSING_LABEL);
            bad(with("label", "null"), ReasonCode.MISSING_LABEL);
            bad(with("label", "\"\""), ReasonCode.MISSING_LABEL);
        }
        for (String label : List.of("\"c\"", "\"A\"", "1", "0", "true", "\"a b\"", "\"\\u00e4\"", "-1")) {
            for (int i = 0; i < 5; i++) {
                bad(with("label", label), ReasonCode.UNKNOWN_CLASS);
            }
        }
        for (String feature : List.of("x1", "x2", "colour")) {
            for (int i = 0; i < 10; i++) {
                bad(without(feature), ReasonCode.MISSING_VALUE);
                bad(with(feature, "null"), ReasonCode.MISSING_VALUE);
            }
        }
        for (int i = 0; i < 3; i++) {
            bad(with("colour", "\"" + "r".repeat(5 * 1024 * 1024) + "\""), ReasonCode.TOO_LARGE);
        }
        byte[][] invalidUtf8 = {{(byte) 0xff}, {(byte) 0xc3, 0x28}, {(byte) 0xe2, (byte) 0x82}, {(byte) 0x80},
            {(byte) 0xf0, (byte) 0x28, (byte) 0x8c, (byte) 0x28}, {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
            {(byte) 0xc0, (byte) 0xaf}, {(byte) 0xfe, (byte) 0xff}};
        for (byte[] junk : invalidUtf8) {
            for (int i = 0; i < 3; i++) {
                byte[] prefix = "{\"x1\": 1, \"colour\": \"".getBytes(StandardCharsets.UTF_8);
                byte[] suffix = "\", \"x2\": 2, \"label\": \"a\"}".getBytes(StandardCharsets.UTF_8);
                byte[] value = new byte[prefix.length + junk.length + suffix.length];
                System.arraycopy(prefix, 0, value, 0, prefix.length);
                System.arraycopy(junk, 0, value, prefix.length, junk.length);
                System.arraycopy(suffix, 0, value, prefix.length + junk.length, suffix.length);
                add(value, ReasonCode.BAD_ENCODING);
            }
        }
        // Valid records between the bad ones, some published twice (a producer retry).
        List<Message> mixed = new ArrayList<>();
        for (Message bad : messages) {
            mixed.add(bad);
            if (random.nextInt(3) == 0) {
                Message ok = message(valid().getBytes(StandardCharsets.UTF_8), null);
                mixed.add(ok);
                validMessages++;
                if (random.nextInt(8) == 0) {
                    mixed.add(new Message(ok.id(), ok.value(), ReasonCode.DUPLICATE_ID));
                    duplicates++;
                }
            }
        }
        messages.clear();
        messages.addAll(mixed);
        csv();
    }

    int badCases() {
        return (int) messages.stream().filter(m -> m.expected() != null).count()
                + (int) csvExpected.stream().filter(java.util.Objects::nonNull).count();
    }

    private void csv() {
        String[][] rows = {
            {"1.0,2.0,red", ReasonCode.MALFORMED_CSV.name()},
            {"1.0,2.0,red,a,extra", ReasonCode.MALFORMED_CSV.name()},
            {"1.0", ReasonCode.MALFORMED_CSV.name()},
            {"\"1.0\"x,2.0,red,a", ReasonCode.MALFORMED_CSV.name()},
            {"1.0,\"2\"\"\"0,red,a", ReasonCode.MALFORMED_CSV.name()},
            {"abc,2.0,red,a", ReasonCode.WRONG_TYPE.name()},
            {"NaN,2.0,red,a", ReasonCode.NON_FINITE.name()},
            {"1.0,2.0,,a", ReasonCode.MISSING_VALUE.name()},
            {"1.0,2.0,red,", ReasonCode.MISSING_LABEL.name()},
            {"1.0,2.0,red,z", ReasonCode.UNKNOWN_CLASS.name()},
        };
        for (int round = 0; round < 3; round++) {
            for (String[] row : rows) {
                csv.append(row[0]).append('\n');
                csvExpected.add(ReasonCode.valueOf(row[1]));
                for (int i = 0; i < 3; i++) {
                    double x1 = random.nextGaussian();
                    double x2 = random.nextGaussian();
                    csv.append(String.format(Locale.ROOT, "%.5f,%.5f,\"%s\",%s%n", x1, x2, colour(),
                            x1 + x2 > 0 ? "a" : "b"));
                    csvExpected.add(null);
                    validCsvRows++;
                }
            }
        }
    }

    private String valid() {
        double x1 = random.nextGaussian();
        double x2 = random.nextGaussian();
        return String.format(Locale.ROOT, "{\"x1\": %.5f, \"x2\": %.5f, \"colour\": \"%s\", \"label\": \"%s\"}", x1,
                x2, colour(), x1 + x2 > 0 ? "a" : "b");
    }

    private String colour() {
        return random.nextBoolean() ? "red" : "green";
    }

    /** A valid record with one field's JSON value replaced. */
    private String with(String field, String json) {
        String valid = valid();
        return valid.replaceFirst("\"" + field + "\": (\"[^\"]*\"|[-0-9.]+)", "\"" + field + "\": "
                + java.util.regex.Matcher.quoteReplacement(json));
    }

    private String without(String field) {
        return valid().replaceFirst("\"" + field + "\": (\"[^\"]*\"|[-0-9.]+)(, )?", "").replace(", }", "}");
    }

    private void bad(String text, ReasonCode expected) {
        add(text.getBytes(StandardCharsets.UTF_8), expected);
    }

    private void add(byte[] value, ReasonCode expected) {
        messages.add(message(value, expected));
    }

    private Message message(byte[] value, ReasonCode expected) {
        return new Message(String.format("corpus-%05d", next++), value, expected);
    }
}
