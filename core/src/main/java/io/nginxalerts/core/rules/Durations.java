package io.nginxalerts.core.rules;

import java.time.Duration;

/**
 * Durations as written in rule files: a whole number followed by {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}). One
 * unit only, no fractions and no ISO-8601, so that a value reads the same to everyone.
 */
final class Durations {
    private Durations() {}

    /** The duration in {@code text}, or {@code null} if it is not in the rule-file form. */
    static Duration parse(String text) {
        if (text == null) {
            return null;
        }
        int digits = 0;
        while (digits < text.length() && text.charAt(digits) >= '0' && text.charAt(digits) <= '9') {
            digits++;
        }
        // Nine digits keep the value far from overflow in every unit.
        if (digits == 0 || digits > 9) {
            return null;
        }
        long amount = Long.parseLong(text.substring(0, digits));
        switch (text.substring(digits)) {
            case "ms":
                return Duration.ofMillis(amount);
            case "s":
                return Duration.ofSeconds(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                return null;
        }
    }

    /** The shortest rule-file form of {@code duration}, for messages ({@code 90s}, {@code 2d}). */
    static String format(Duration duration) {
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
