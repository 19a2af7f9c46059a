package io.nginxalerts.worker;

import io.nginxalerts.core.alert.Alerts;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in flags and environment variables: {@code 500ms}, {@code 30s}, {@code 24h}.
 */
final class Durations {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    private Durations() {}

    /**
     * @throws IllegalArgumentException if the text is not a number followed by ms, s, m, h or d
     */
    static Duration parse(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a duration like 500ms, 30s, 10m, 24h or 1d");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** The same notation back, for log lines. */
    static String format(Duration d) {
        return d.isZero() ? "0s" : Alerts.humanDuration(d);
    }
}
