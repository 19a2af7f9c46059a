package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Numbers and regex budgets as the rule loader reads them. */
class ValueParsingTest {

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
