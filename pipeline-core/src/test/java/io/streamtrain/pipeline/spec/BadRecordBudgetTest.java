package io.streamtrain.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Counts and shares of bad records, read and checked. */
class BadRecordBudgetTest {

    @Test
    void theDefaultFailsThirtyPercentBrokenRowsAndPassesOneAndAHalfPercent() {
        assertThat(BadRecordBudget.DEFAULT.exceeded(6_000, 20_000)).isTrue();
        assertThat(BadRecordBudget.DEFAULT.exceeded(300, 20_000)).isFalse();
        assertThat(BadRecordBudget.DEFAULT.exceeded(2_000, 20_000)).as("exactly 10% is within").isFalse();
        assertThat(BadRecordBudget.DEFAULT.describe()).isEqualTo("10% of the records");
    }

    @Test
    void aCountOrAShareIsRead() {
        assertThat(BadRecordBudget.parse("500").exceeded(500, 1_000)).isFalse();
        assertThat(BadRecordBudget.parse("500").exceeded(501, 1_000_000)).isTrue();
        assertThat(BadRecordBudget.parse(" 2.5% ").exceeded(26, 1_000)).isTrue();
        assertThat(BadRecordBudget.parse("0").exceeded(1, 1_000)).isTrue();
        assertThat(BadRecordBudget.parse("0%").describe()).isEqualTo("0% of the records");
        assertThat(BadRecordBudget.parse("2.5%").describe()).isEqualTo("2.5% of the records");
        assertThatThrownBy(() -> BadRecordBudget.parse("lots")).hasMessageContaining("such as 500");
        assertThatThrownBy(() -> BadRecordBudget.parse("120%")).hasMessageContaining("between 0% and 100%");
        assertThatThrownBy(() -> BadRecordBudget.parse("-3")).hasMessageContaining("negative");
    }
}
