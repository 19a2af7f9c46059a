package io.nginxalerts.core.detect;

import static io.nginxalerts.core.detect.NumericValues.NONE;
import static io.nginxalerts.core.detect.NumericValues.milli;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NumericValuesTest {
    @Test
    void decimalsAreThousandthsRoundedHalfUp() {
        assertThat(milli("1.2345", false)).isEqualTo(1235);
        assertThat(milli("1.2344", false)).isEqualTo(1234);
        assertThat(milli("0.0005", false)).isEqualTo(1);
        assertThat(milli("0.0004", false)).isEqualTo(0);
        assertThat(milli("3", false)).isEqualTo(3000);
        assertThat(milli("-0.5", false)).isEqualTo(-500);
        assertThat(milli("1.0E-4", false)).as("Double.toString of responsetime").isEqualTo(0);
        assertThat(milli(" 2.5 ", false)).isEqualTo(2500);
    }

    @Test
    void upstreamListsAreSummedAfterRounding() {
        assertThat(milli("0.1, 0.2", true)).isEqualTo(300);
        assertThat(milli("0.4 : 1.1", true)).isEqualTo(1500);
        assertThat(milli("0.0005, 0.0005", true)).isEqualTo(2);
        assertThat(milli("0.1, 0.2", false)).as("only upstreamtime is a list").isEqualTo(NONE);
    }

    @Test
    void dashEmptyAndJunkHaveNoValue() {
        assertThat(milli(null, true)).isEqualTo(NONE);
        assertThat(milli("-", true)).isEqualTo(NONE);
        assertThat(milli("", false)).isEqualTo(NONE);
        assertThat(milli("0.1, -", true)).isEqualTo(NONE);
        assertThat(milli("0.1,", true)).isEqualTo(NONE);
        assertThat(milli("abc", false)).isEqualTo(NONE);
        assertThat(milli("NaN", false)).isEqualTo(NONE);
        assertThat(milli("1e999999999", false))
                .as("out of range, answered at once")
                .isEqualTo(NONE);
        assertThat(milli("1e-999999999", false)).isEqualTo(0);
    }

    @Test
    void averagesAreExactDecimals() {
        assertThat(NumericValues.average(300, 3)).isEqualTo(0.1);
        assertThat(NumericValues.average(1000, 3)).isEqualTo(0.3333333333333333);
        assertThat(NumericValues.toDouble(3100)).isEqualTo(3.1);
    }
}
