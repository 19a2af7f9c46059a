package io.nginxalerts.core.time;

import java.time.Duration;

/**
 * The one notation for durations that users read and write, in rule files, flags, environment
 * variables, log lines and alert texts: a whole number followed by {@code ms}, {@code s}, {@code
 * m}, {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}). One
 * unit only, no fractions and no ISO-8601, so that a value reads the same to everyone; {@link
 * #format} prints the largest unit that divides the value, so what it prints parses back to the
 * same duration.
 */
public final class Durations {
    /** Nine digits keep the value far from overflow in every unit. */
    private static final int MAX_DIGITS = 9;

    private Durations() {}

    /** The duration in {@code text}, or {@code null} if it is not in this notation. */
    public static Duration tryParse(String text) {
        if (text == null) {
            return null;
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        if (digits == 0 || digits > MAX_DIGITS) {
            return null;
        }
        long amount = Long.parseLong(text.substring(0, digits));
        return switch (text.substring(digits)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> null;
        };
    }

    /**
     * The duration in {@code text}, surrounding white space ignored.
     *
     * @throws IllegalArgumentException quoting the text and showing the notation
     */
    public static Duration parse(String text) {
        Duration d = text == null ? null : tryParse(text.trim());
        if (d == null) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration like 500ms, 30s, 10m, 24h or 1d");
        }
        return d;
    }

    /**
     * The shortest form of {@code duration} in this notation: {@code 90s}, {@code 2d}, {@code 0s}.
     */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) {
            return ms / 86_400_000L + "d";
        }
        if (ms != 0 && ms % 3_600_000L == 0) {
            return ms / 3_600_000L + "h";
        }
        if (ms != 0 && ms % 60_000L == 0) {
            return ms / 60_000L + "m";
        }
        if (ms % 1000L == 0) {
            return ms / 1000L + "s";
        }
        return ms + "ms";
    }
}
