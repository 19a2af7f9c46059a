package io.nginxalerts.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of {@code
 * initial * 2^(n-1)}, capped at {@code max}. The jitter keeps several workers that failed together
 * (a webhook or Redis outage) from retrying in lockstep.
 */
record Retry(Duration initial, Duration max) {

    Retry {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 <= initial <= max");
        }
    }

    /** The pause after the given failed attempt (1 = the first). */
    Duration delayAfter(int attempt) {
        long initialMs = initial.toMillis();
        long maxMs = max.toMillis();
        int shift = Math.min(Math.max(attempt - 1, 0), 30);
        long full = initialMs > (maxMs >> shift) ? maxMs : Math.min(maxMs, initialMs << shift);
        long half = full / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(full - half + 1));
    }
}
