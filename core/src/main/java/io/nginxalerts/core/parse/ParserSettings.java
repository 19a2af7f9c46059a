package io.nginxalerts.core.parse;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * The limits a {@link LogParser} enforces. Validated on construction: a settings object that exists
 * is usable.
 *
 * @param maxLineBytes longest accepted record in bytes; longer records are rejected as {@link
 *     RejectReason#TOO_LARGE} before any decoding (must be positive)
 * @param maxFutureSkew how far an event may lie ahead of {@code clock} before it is rejected as
 *     {@link RejectReason#FUTURE_TIMESTAMP} (zero or positive)
 * @param clock the source of "now" for the future check
 * @param logFormat a custom text format tried before the built-in shapes, or null for none
 */
public record ParserSettings(
        int maxLineBytes, Duration maxFutureSkew, Clock clock, LogFormat logFormat) {

    /** 64 KiB: nginx lines are far shorter; anything larger is a broken or hostile record. */
    public static final int DEFAULT_MAX_LINE_BYTES = 65536;

    /** Clocks of log hosts drift; five minutes tolerates that without accepting bogus dates. */
    public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);

    public ParserSettings {
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
        if (maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException(
                    "maxFutureSkew must not be negative: " + maxFutureSkew);
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** Settings without a custom log format: only the built-in shapes are read. */
    public ParserSettings(int maxLineBytes, Duration maxFutureSkew, Clock clock) {
        this(maxLineBytes, maxFutureSkew, clock, null);
    }

    /** These settings with {@code format} as the custom text format (null for none). */
    public ParserSettings withLogFormat(LogFormat format) {
        return new ParserSettings(maxLineBytes, maxFutureSkew, clock, format);
    }

    /** 65536 bytes, 5 minutes of future skew, the system UTC clock. */
    public static ParserSettings defaults() {
        return new ParserSettings(
                DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_FUTURE_SKEW, Clock.systemUTC());
    }
}
