package io.nginxalerts.worker;

import java.time.Duration;

/**
 * An output did not accept an alert. {@link #retryable()} says whether another attempt may succeed
 * (network error, 5xx, 429) or not (4xx, a redirect); {@link #retryAfter()} is the delay the
 * receiver asked for, if any.
 */
public final class DeliveryException extends Exception {
    private final boolean retryable;
    private final Duration retryAfter;

    private DeliveryException(String message, boolean retryable, Duration retryAfter) {
        super(message);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public static DeliveryException retryable(String message) {
        return new DeliveryException(message, true, null);
    }

    public static DeliveryException retryAfter(String message, Duration retryAfter) {
        return new DeliveryException(message, true, retryAfter);
    }

    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, false, null);
    }

    public boolean retryable() {
        return retryable;
    }

    /** The delay the receiver asked for (Retry-After), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
