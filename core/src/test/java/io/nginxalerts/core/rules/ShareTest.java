package io.nginxalerts.core.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Share}: the exact decimal of a ratio rule's {@code at_least}. */
class ShareTest {

    @Test
    void readsPercentagesAndFractionsAsTheDecimalWritten() {
        assertThat(Share.parse("5%")).isEqualTo(new Share(5, 100));
        assertThat(Share.parse("0.05")).isEqualTo(new Share(5, 100));
        assertThat(Share.parse("12.5%")).isEqualTo(new Share(125, 1000));
        assertThat(Share.parse("100%")).isEqualTo(new Share(1, 1));
        assertThat(Share.parse("1")).isEqualTo(new Share(1, 1));
        assertThat(Share.parse("0.000001")).isEqualTo(new Share(1, 1_000_000));
        assertThat(Share.parse(" 50 % ")).isEqualTo(new Share(5, 10));
    }

    @Test
    void refusesWhatIsNotAShare() {
        for (String bad :
                new String[] {
                    "",
                    "0",
                    "0.0",
                    "0%",
                    "5",
                    "101%",
                    "1.01",
                    "-5%",
                    "+0.5",
                    "1e-2",
                    "0.0000001",
                    "0.00001%",
                    ".",
                    "%",
                    "5%%",
                    "0x1",
                    "NaN",
                    "Infinity"
                }) {
            assertThat(Share.parse(bad)).as(bad).isNull();
        }
        assertThat(Share.parse(null)).isNull();
    }

    @Test
    void comparesHitsExactlyWithoutFloatingPoint() {
        Share fivePercent = Share.parse("5%");
        // 0.05 * 20 is 1.0000000000000002 in double arithmetic; 1 of 20 is exactly 5%.
        assertThat(fivePercent.reachedBy(1, 20)).isTrue();
        assertThat(fivePercent.reachedBy(9, 200)).isFalse();
        assertThat(fivePercent.reachedBy(10, 200)).isTrue();
        Share third = Share.parse("0.333333");
        assertThat(third.reachedBy(1, 3)).isTrue();
        assertThat(third.reachedBy(333_333, 1_000_000)).isTrue();
        assertThat(third.reachedBy(333_332, 1_000_000)).isFalse();
        assertThat(Share.parse("1").reachedBy(Integer.MAX_VALUE, Integer.MAX_VALUE)).isTrue();
    }

    @Test
    void everySixDigitShareSurvivesTheDoubleInRuleKindRatio() {
        List<Long> changed = new ArrayList<>();
        for (long n = 1; n <= 1_000_000; n++) {
            Share back = Share.of(new Share(n, 1_000_000).value());
            // Equal as fractions: back is n / 10^6 with trailing zeros stripped.
            if (back.numerator() * 1_000_000 != n * back.denominator()) {
                changed.add(n);
            }
        }
        assertThat(changed).isEmpty();
        assertThat(Share.of(0.05)).isEqualTo(new Share(5, 100));
        assertThat(Share.of(1.0)).isEqualTo(new Share(1, 1));
    }

    @Test
    void refusesFractionsOutsideZeroToOne() {
        assertThatThrownBy(() -> Share.of(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Share.of(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Share.of(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Share(2, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
