package io.nginxalerts.core.detect;

import io.nginxalerts.core.event.AccessEvent;
import io.nginxalerts.core.rules.Rule;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The numeric value of an event's field as a value rule reads it: the field's text as a decimal,
 * rounded half-up to 3 decimals and held as a long of thousandths ("milli-units"), so that sums,
 * averages, minima and maxima are exact. {@code upstreamtime} may list several upstream tries
 * ({@code "0.1, 0.2"} or {@code "0.1 : 0.2"}): its value is the sum of the listed numbers (each
 * rounded first). {@code "-"}, an empty text and anything that is not a decimal have no value.
 */
public final class NumericValues {
    /** What {@link #milli} returns for a field without a numeric value. */
    public static final long NONE = Long.MIN_VALUE;

    /** Above this (in thousandths) a value is out of range: no sum of a window can overflow. */
    private static final long LIMIT = 1_000_000_000_000_000L;

    private NumericValues() {}

    /** The value of {@code field} of {@code event} in thousandths, or {@link #NONE}. */
    public static long of(AccessEvent event, String field) {
        return milli(Rule.fieldText(event, field), "upstreamtime".equals(field));
    }

    /**
     * The value of {@code text} in thousandths, or {@link #NONE}.
     *
     * @param list true if {@code text} may be a list separated by {@code ,} or {@code :} whose
     *     values are summed
     */
    public static long milli(String text, boolean list) {
        if (text == null) {
            return NONE;
        }
        if (!list) {
            return single(text);
        }
        long sum = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ',' || text.charAt(i) == ':') {
                long part = single(text.substring(start, i));
                if (part == NONE) {
                    return NONE;
                }
                sum += part;
                if (Math.abs(sum) > LIMIT) {
                    return NONE;
                }
                start = i + 1;
            }
        }
        return sum;
    }

    private static long single(String raw) {
        String text = raw.strip();
        if (text.isEmpty() || text.equals("-") || text.length() > 64) {
            return NONE;
        }
        BigDecimal d;
        try {
            d = new BigDecimal(text);
        } catch (NumberFormatException e) {
            return NONE;
        }
        // Digits before the point; checked before rescaling, which for 1e999999 would take long.
        long integerDigits = (long) d.precision() - d.scale();
        if (integerDigits > 16) {
            return NONE;
        }
        if (integerDigits < -4) {
            return 0; // below 0.00005: rounds to 0 at 3 decimals
        }
        long milli = d.setScale(3, RoundingMode.HALF_UP).unscaledValue().longValueExact();
        return Math.abs(milli) > LIMIT ? NONE : milli;
    }

    /** A value in thousandths as the decimal it stands for. */
    public static double toDouble(long milli) {
        return milli / 1000.0;
    }

    /** The average of {@code count} values summing to {@code sumMilli} thousandths. */
    public static double average(long sumMilli, long count) {
        return BigDecimal.valueOf(sumMilli)
                .divide(BigDecimal.valueOf(count * 1000L), java.math.MathContext.DECIMAL64)
                .doubleValue();
    }
}
