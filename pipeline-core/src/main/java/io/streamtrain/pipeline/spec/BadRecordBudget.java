package io.streamtrain.pipeline.spec;

import java.util.Locale;

/**
 * How many bad records a run may have before it fails ({@code data.maxBadRecords}, the CLI's
 * {@code --max-bad-records}), as users know it from Spark's {@code mode} and BigQuery's {@code max_bad_records}:
 * a count ({@code 500}) or a share of the records ({@code 2%}). In: the text. Out: whether a number of bad records
 * out of a total is over the budget, and the budget in words.
 */
public record BadRecordBudget(long count, double share) {

    /** The default, 10% of the records. */
    public static final BadRecordBudget DEFAULT = new BadRecordBudget(-1, 0.10);

    /** Reads {@code 500} or {@code 2%} (or {@code 2.5%}); an {@link IllegalArgumentException} says what is wrong. */
    public static BadRecordBudget parse(String text) {
        String value = text == null ? "" : text.trim();
        try {
            if (value.endsWith("%")) {
                double percent = Double.parseDouble(value.substring(0, value.length() - 1).trim());
                if (!(percent >= 0 && percent <= 100)) {
                    throw new IllegalArgumentException("a share must be between 0% and 100%, got '" + text + "'");
                }
                return new BadRecordBudget(-1, percent / 100);
            }
            long count = Long.parseLong(value);
            if (count < 0) {
                throw new IllegalArgumentException("a count cannot be negative, got '" + text + "'");
            }
            return new BadRecordBudget(count, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a count such as 500 or a share such as 2%, got '" + text
                    + "'");
        }
    }

    /** Whether {@code bad} records out of {@code total} are more than the budget allows. */
    public boolean exceeded(long bad, long total) {
        return count >= 0 ? bad > count : bad > share * total;
    }

    /** The budget in words, e.g. "10% of the records" or "500 records". */
    public String describe() {
        return count >= 0 ? count + " records"
                : String.format(Locale.ROOT, "%s%% of the records", trim(share * 100));
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
