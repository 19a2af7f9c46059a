package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations, numbers and regex budgets as the rule loader reads them. */
class ValueParsingTest {

    @Test
    void durationsTakeOneWholeNumberAndOneUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
        for (String bad :
                new String[] {
                    "",
                    "s",
                    "1",
                    "1.5s",
                    "-1s",
                    "1 s",
                    "1S",
                    "1m30s",
                    "PT1M",
                    "1w",
                    "9999999999s",
                    null
                }) {
            assertThat(Durations.parse(bad)).as(bad).isNull();
        }
    }

    @Test
    void durationsFormatInTheLargestWholeUnit() {
        assertThat(Durations.format(Duration.ofDays(1))).isEqualTo("1d");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void numbersAreStrictDecimals() {
        assertThat(Numbers.parse("0.004")).isEqualTo(0.004);
        assertThat(Numbers.parse(" -2.5e3 ")).isEqualTo(-2500);
        assertThat(Numbers.parse("7")).isEqualTo(7);
        assertThat(Numbers.parse(".5")).isEqualTo(0.5);
        for (String bad :
                new String[] {
                    "", "-", ".", "NaN", "Infinity", "0x10", "1d", "1f", "1e", "1,5", null
                }) {
            assertThat(Numbers.parse(bad)).as(bad).isNaN();
        }
    }

    @Test
    void upstreamTimesSumAcrossTriesAndRedirects() {
        assertThat(Numbers.sumOfList("0.004, 0.010"))
                .isCloseTo(0.014, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Numbers.sumOfList("0.5 : 0.25, -")).isEqualTo(0.75);
        assertThat(Numbers.sumOfList("-")).isNaN();
        assertThat(Numbers.sumOfList("0.1, abc")).isNaN();
        assertThat(Numbers.sumOfList(",")).isNaN();
    }

    @Test
    void regexBudgetMultipliesNestedCountsOnly() {
        assertThat(Regexes.expandedSize("abc")).isEqualTo(3);
        assertThat(Regexes.expandedSize("[0-9]{1,3}(\\.[0-9]{1,3}){3}")).isLessThan(50);
        assertThat(Regexes.expandedSize("(a{100}){100}")).isGreaterThanOrEqualTo(10_000);
        assertThat(Regexes.expandedSize("((a{1000}){1000}){1000}"))
                .isGreaterThanOrEqualTo(1_000_000_000L);
        assertThat(Regexes.expandedSize("x{not a count}")).isEqualTo(14);
        assertThat(Regexes.expandedSize("[]{]{1000}")).isEqualTo(1000);
        assertThat(Regexes.expandedSize("\\Qa{9}\\E")).isEqualTo(4);
    }
}
