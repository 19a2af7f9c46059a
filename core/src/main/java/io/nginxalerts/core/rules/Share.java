package io.nginxalerts.core.rules;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * A share as an exact fraction {@code numerator / denominator}: the {@code at_least} of a ratio
 * rule as written ({@code 5%} and {@code 0.05} are both {@code 5/100}), so that a ratio is compared
 * without floating point ({@link #reachedBy}).
 *
 * <p>Guarantees: {@code 0 < numerator <= denominator}, and {@code denominator} is a power of ten of
 * at most {@code 10^8}; so {@code hits * denominator} and {@code numerator * total} do not overflow
 * for any {@code int} counts.
 */
public record Share(long numerator, long denominator) implements Serializable {
    /**
     * Fraction digits a share may have as a fraction ({@code 0.000001}); a percentage has 2 less.
     */
    static final int MAX_FRACTION_DIGITS = 6;

    public Share {
        if (numerator < 1 || numerator > denominator || denominator > 100_000_000L) {
            throw new IllegalArgumentException(
                    "a share is more than 0 and at most 1, found " + numerator + "/" + denominator);
        }
    }

    /**
     * The share written as a percentage ({@code 5%}, {@code 12.5%}, up to 4 fraction digits) or a
     * fraction ({@code 0.05}, {@code 1}, up to 6 fraction digits), more than 0 and at most 1
     * (100%); {@code null} if the text is not such a share.
     */
    public static Share parse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        boolean percent = t.endsWith("%");
        if (percent) {
            t = t.substring(0, t.length() - 1).strip();
        }
        if (!isPlainDecimal(t)) {
            return null;
        }
        BigDecimal value = new BigDecimal(t);
        if (percent) {
            value = value.movePointLeft(2);
        }
        value = value.stripTrailingZeros();
        if (value.scale() > MAX_FRACTION_DIGITS) {
            return null;
        }
        if (value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0) {
            return null;
        }
        return ofExact(value);
    }

    /**
     * The share whose value is {@code fraction}, as a ratio rule keeps it ({@code
     * RuleKind.Ratio#atLeast()}): the double rounded to {@value #MAX_FRACTION_DIGITS} fraction
     * digits, which for a share from {@link #parse} is exactly the decimal as written (a double is
     * within 1e-16 of it).
     *
     * @throws IllegalArgumentException if {@code fraction} is not in (0, 1] or rounds to 0
     */
    public static Share of(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("a share is in (0, 1], found " + fraction);
        }
        BigDecimal value =
                new BigDecimal(fraction)
                        .setScale(MAX_FRACTION_DIGITS, RoundingMode.HALF_EVEN)
                        .stripTrailingZeros();
        if (value.signum() == 0) {
            throw new IllegalArgumentException(fraction + " rounds to 0");
        }
        return ofExact(value);
    }

    private static Share ofExact(BigDecimal value) {
        int scale = Math.max(0, value.scale());
        long denominator = BigDecimal.ONE.movePointRight(scale).longValueExact();
        long numerator = value.movePointRight(scale).longValueExact();
        return new Share(numerator, denominator);
    }

    /** True if {@code hits} of {@code total} is at least this share: exact, no floating point. */
    public boolean reachedBy(long hits, long total) {
        return hits * denominator >= numerator * total;
    }

    /** The share as a double, for messages and {@code RuleKind.Ratio}. */
    public double value() {
        return (double) numerator / denominator;
    }

    private static boolean isPlainDecimal(String t) {
        int dots = 0;
        int digits = 0;
        if (t.isEmpty() || t.length() > 20) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            } else {
                return false;
            }
        }
        return dots <= 1 && digits > 0;
    }
}
