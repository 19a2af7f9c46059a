package io.nginxalerts.job.faults;

import io.nginxalerts.testing.Poll;
import java.time.Duration;

/**
 * A fault that must last a given time however fast the job and the worker react, so that clients
 * notice it (connection refused, metadata refresh) and their backoffs reach their caps. Waiting for
 * its end is not a wait for a result, so it is the one wait with no condition but the clock.
 */
final class Outage {
    private final Duration length;
    private final long startedAt;

    private Outage(Duration length, long startedAt) {
        this.length = length;
        this.startedAt = startedAt;
    }

    /** Call right after the server went away. */
    static Outage begin(Duration length) {
        return new Outage(length, System.nanoTime());
    }

    /** Returns once {@code length} has passed since {@link #begin}. */
    void awaitEnd() {
        Poll.until(
                length,
                () -> System.nanoTime() - startedAt,
                elapsed -> elapsed >= length.toNanos());
    }
}
